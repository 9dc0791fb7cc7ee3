#!/usr/bin/env bash
# Runs every benchmark, each printing its figures as ratios against a baseline measured in the
# same run: the vault against bare libsodium calls, the HTTP server's authenticated JSON GET
# against /healthz under wrk on loopback. Usage: bench/run.sh [BUILD_DIR] (default build-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
echo "== vault: seal and open per second vs bare crypto_aead_xchacha20poly1305_ietf"
"$build/bench/bench_vault"
echo
echo "== http: authenticated JSON GET /api/v1/me vs GET /healthz (wrk, loopback)"
CTIS="$build/ctis" bash "$root/bench/bench_http.sh"

echo
echo "== import: ${IMPORT_ROWS:-1000000} generated HTCDS rows, encrypted, vs sqlite3 .import of the same CSV"
CTIS="$build/ctis" ROWS="${IMPORT_ROWS:-1000000}" bash "$root/bench/bench_import.sh"
