#!/usr/bin/env bash
# Runs every benchmark, each printing its figures as ratios against a baseline measured in the
# same run: the vault against bare libsodium calls, the HTTP server's authenticated JSON GET
# against /healthz under wrk on loopback, the import against sqlite3 .import, the statistics
# against plain GROUP BY in SQLite and DuckDB, the linkage matcher against a popcount-only
# roofline and the exact matcher (bench/link-speed/run), and the linkage's quality on FEBRL against
# the published anchor and exact matching (bench/link-quality/run).
# Usage: bench/run.sh [vault|http|import|stats|link|linkq] [BUILD_DIR] (default: all, build-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
only=
case "${1:-}" in vault | http | import | stats | link | linkq) only=$1; shift ;; esac
build=${1:-build-bench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
if want vault; then
    echo "== vault: seal and open per second vs bare crypto_aead_xchacha20poly1305_ietf"
    "$build/bench/bench_vault"
    echo
fi
if want http; then
    echo "== http: authenticated JSON GET /api/v1/me vs GET /healthz (wrk, loopback)"
    CTIS="$build/ctis" bash "$root/bench/bench_http.sh"
    echo
fi
if want import; then
    echo "== import: ${IMPORT_ROWS:-1000000} generated HTCDS rows, encrypted, vs sqlite3 .import of the same CSV"
    CTIS="$build/ctis" ROWS="${IMPORT_ROWS:-1000000}" bash "$root/bench/bench_import.sh"
    echo
fi
if want stats; then
    echo "== stats: aggregations and flows over ${BENCH_STATS_ROWS:-1000000} cases vs GROUP BY in SQLite and DuckDB"
    bash "$root/bench/bench_stats.sh" "$build"
fi
if want link; then
    echo
    echo "== link: Dice comparisons per core vs a popcount-only roofline; ${BENCH_LINK_RECORDS:-1000000} x ${BENCH_LINK_RECORDS:-1000000} CLKs with LSH blocking vs the exact matcher"
    bash "$root/bench/link-speed/run" "$build" --records "${BENCH_LINK_RECORDS:-1000000}"
fi
if want linkq; then
    echo
    echo "== link quality: FEBRL 1-3 through the CLI vs the published anchor and exact matching"
    bash "$root/bench/link-quality/run" "$build"
fi
