#!/usr/bin/env bash
# bench_stats: ctis's statistics against the same queries as plain SQL, in the same run.
#   1. `ctis generate htcds-csv` writes ROWS generated cases (BENCH_STATS_ROWS, default 1,000,000);
#   2. `ctis import htcds-csv --no-duplicates` loads them into a ctis database (sealed fields,
#      audit, versions: the import is timed and printed, not part of the ratios). The CSV and the
#      database are kept in BUILD/bench-stats/ROWS and reused by the next run (BENCH_STATS_FRESH=1
#      makes them anew): a 1,000,000-row import takes minutes;
#   3. `sqlite3 .import --csv` copies the same CSV into a plain database, where bench_stats derives
#      a plain table of the coded columns (as ctis derives them) and DuckDB does the same in memory;
#   4. build/bench/bench_stats times ctis (case_stats_victims by three pairs/triples of
#      dimensions, stats_flows, stats_figures, in-process) and the SQLite GROUP BY queries, and
#      bench/node/bench_stats_duckdb.mjs the same queries in DuckDB, best of BENCH_STATS_REPS (5);
#   5. the three results of every query are compared (any difference fails the bench) and the
#      table of times and ratios is printed and written to bench/results/stats.txt.
# Usage: bench/bench_stats.sh [BUILD_DIR] (default build-bench). Needs sqlite3, node and npm
# (bench/node's @duckdb/node-api is installed by `npm ci` there when missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-bench}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
rows=${BENCH_STATS_ROWS:-1000000}
reps=${BENCH_STATS_REPS:-5}
ctis="$build/ctis"
bench="$build/bench/bench_stats"
for f in "$ctis" "$bench"; do
    [ -x "$f" ] || { echo "bench_stats: no $f (make bench)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench_stats: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
command -v node >/dev/null || { echo "bench_stats: needs node and npm" >&2; exit 1; }

if [ ! -d "$root/bench/node/node_modules/@duckdb/node-api" ]; then
    echo "installing @duckdb/node-api in bench/node ..."
    (cd "$root/bench/node" && npm ci --no-audit --no-fund >/dev/null)
fi

cache="$build/bench-stats/$rows"
if [ "${BENCH_STATS_FRESH:-0}" = 1 ]; then
    rm -rf "$cache"
fi
mkdir -p "$cache"
csv="$cache/cases.csv"
if [ ! -f "$cache/imported.ok" ]; then
    rm -f "$cache"/ctis.db* "$cache/plain.db" "$csv"
    echo "generating $rows cases (htcds-csv) ..."
    "$ctis" generate htcds-csv --rows "$rows" --out "$csv" >/dev/null
    echo "importing them with ctis import --no-duplicates (minutes for a million) ..."
    "$ctis" init --db "$cache/ctis.db" >/dev/null 2>&1
    t0=$(date +%s.%N)
    "$ctis" import htcds-csv "$csv" --db "$cache/ctis.db" --no-duplicates
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v n="$rows" 'BEGIN { printf "%.1f s, %.0f rows/s\n", b - a, n / (b - a) }' \
        >"$cache/import.txt"
    touch "$cache/imported.ok"
else
    echo "reusing $rows imported cases in $cache (BENCH_STATS_FRESH=1 to import anew)"
    "$ctis" migrate --db "$cache/ctis.db" >/dev/null
fi
echo "  ctis import: $(cat "$cache/import.txt" 2>/dev/null || echo '?')"
if [ ! -f "$cache/plain.db" ]; then
    t0=$(date +%s.%N)
    sqlite3 "$cache/plain.db.tmp" ".import --csv $csv raw"
    t1=$(date +%s.%N)
    mv "$cache/plain.db.tmp" "$cache/plain.db"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  sqlite3 .import of the CSV: %.1f s\n", b - a }'
fi

out=$(mktemp -d /tmp/ctis-bench-stats.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "timing ctis and SQLite (best of $reps) ..."
"$bench" --db "$cache/ctis.db" --plain "$cache/plain.db" --out "$out" --reps "$reps" >"$out/times.c"
read -r _ year_from year_to < <(grep '^years ' "$out/times.c")
echo "timing DuckDB (best of $reps) ..."
(cd "$root/bench/node" && node bench_stats_duckdb.mjs "$csv" "$out" "$reps" "$year_from" "$year_to") >"$out/times.duckdb"

status=0
for q in year_gender_majority year_exploitation year_citizenship flows figures; do
    LC_ALL=C sort "$out/ctis.$q" >"$out/a"
    for engine in sqlite duckdb; do
        LC_ALL=C sort "$out/$engine.$q" >"$out/b"
        if [ ! -s "$out/a" ] || ! cmp -s "$out/a" "$out/b"; then
            echo "bench_stats: $q: ctis and $engine give different counts:" >&2
            diff "$out/a" "$out/b" | head -10 >&2 || true
            status=1
        fi
    done
done
[ "$status" = 0 ] || exit 1

mkdir -p "$root/bench/results"
{
    echo "bench/stats: $rows cases, best of $reps, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
    echo "figures: years $year_from-$year_to; counts of ctis, SQLite and DuckDB identical for every query"
    awk 'NR == FNR { duck[$1] = $2; next }
        $1 != "years" {
            d = duck[$1]
            if (!header++) printf "%-22s %10s %10s %10s %12s %12s\n", "query", "ctis ms", "SQLite ms", "DuckDB ms", "ctis/SQLite", "ctis/DuckDB"
            printf "%-22s %10.1f %10.1f %10.1f %12.2f %12.2f\n", $1, $2, $3, d, ($3 > 0 ? $2 / $3 : 0), (d > 0 ? $2 / d : 0)
        }' "$out/times.duckdb" "$out/times.c"
} | tee "$root/bench/results/stats.txt"
