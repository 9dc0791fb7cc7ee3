#!/usr/bin/env bash
# bench_import: the case import against a plain load of the same file, in the same run.
#   1. `ctis generate htcds-csv` writes ROWS generated cases (default 1,000,000) as htcds-csv;
#   2. `ctis import htcds-csv` loads them into a fresh database, with encryption (every personal
#      field sealed, blind indexes, one audit entry per case, a version entry) and the likely
#      duplicates check of each row; then again into another database with --no-duplicates;
#   3. the baseline: `sqlite3 plain.db ".import --csv FILE t"`, the same bytes into one plain table.
# Prints rows per second and peak memory (GNU time's "Maximum resident set size") of both and their
# ratios. Usage: bench/bench_import.sh [ROWS]; CTIS names the binary (default build-bench/ctis,
# else build/ctis); IMPORT_FLAGS adds options to the import (e.g. --skip-bad: a transaction per
# 1000 rows instead of one for the whole file); KEEP=1 keeps the work directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-${ROWS:-1000000}}
ctis=${CTIS:-}
if [ -z "$ctis" ]; then
    ctis="$root/build-bench/ctis"
    [ -x "$ctis" ] || ctis="$root/build/ctis"
fi
[ -x "$ctis" ] || { echo "bench_import: no ctis binary at $ctis (make, or set CTIS)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench_import: needs GNU time (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench_import: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }

work=$(mktemp -d /tmp/ctis-bench-import.XXXXXX)
if [ "${KEEP:-0}" != 1 ]; then
    trap 'rm -rf "$work"' EXIT
fi
csv="$work/cases.csv"

# Seconds from GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.03".
elapsed() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s
    }' "$1"
}
peak_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

echo "generating $rows cases (htcds-csv) ..."
"$ctis" generate htcds-csv --rows "$rows" --out "$csv" >/dev/null
size_mb=$(( $(stat -c %s "$csv") / 1048576 ))
lines=$(wc -l <"$csv")
echo "  $csv: $size_mb MiB, $lines lines"

echo "importing with ctis (sealed fields, blind indexes, audit, versions) ${IMPORT_FLAGS:-} ..."
"$ctis" init --db "$work/ctis.db" >/dev/null 2>&1
# shellcheck disable=SC2086 # IMPORT_FLAGS is a list of options
/usr/bin/time -v "$ctis" import htcds-csv "$csv" --db "$work/ctis.db" ${IMPORT_FLAGS:-} >"$work/import.out" \
    2>"$work/import.time" || {
    cat "$work/import.out" "$work/import.time" >&2
    exit 1
}
cat "$work/import.out"
rm -f "$work/cases.csv.duplicates.csv"

echo "importing again into a new database, without the duplicates check (--no-duplicates) ..."
"$ctis" init --db "$work/ctis2.db" >/dev/null 2>&1
# shellcheck disable=SC2086 # IMPORT_FLAGS is a list of options
/usr/bin/time -v "$ctis" import htcds-csv "$csv" --db "$work/ctis2.db" --no-duplicates ${IMPORT_FLAGS:-} \
    >"$work/import2.out" 2>"$work/import2.time" || {
    cat "$work/import2.out" "$work/import2.time" >&2
    exit 1
}
cat "$work/import2.out"
rm -f "$work/ctis2.db" "$work/ctis2.db-wal" "$work/ctis2.db-shm"

echo "baseline: sqlite3 .import --csv into one plain table ..."
/usr/bin/time -v sqlite3 "$work/plain.db" ".import --csv $csv t" >/dev/null 2>"$work/plain.time"
plain_rows=$(sqlite3 "$work/plain.db" "SELECT count(*) FROM t")

t_ctis=$(elapsed "$work/import.time")
t_plain=$(elapsed "$work/plain.time")
t_nodup=$(elapsed "$work/import2.time")
m_nodup=$(peak_kb "$work/import2.time")
m_ctis=$(peak_kb "$work/import.time")
m_plain=$(peak_kb "$work/plain.time")
awk -v rows="$rows" -v prows="$plain_rows" -v tc="$t_ctis" -v tp="$t_plain" -v mc="$m_ctis" -v mp="$m_plain" \
    -v tn="$t_nodup" -v mn="$m_nodup" \
    -v dbc="$(stat -c %s "$work/ctis.db")" -v dbp="$(stat -c %s "$work/plain.db")" 'BEGIN {
    rc = 0; rp = 0
    if (tc > 0) rc = rows / tc
    if (tp > 0) rp = prows / tp
    printf "\n%-28s %12s %10s %14s %12s\n", "", "rows", "seconds", "rows/s", "peak RSS"
    rn = 0
    if (tn > 0) rn = rows / tn
    printf "%-28s %12d %10.2f %14.0f %9.1f MiB\n", "ctis import (encrypted)", rows, tc, rc, mc / 1024
    printf "%-28s %12d %10.2f %14.0f %9.1f MiB\n", "  ... --no-duplicates", rows, tn, rn, mn / 1024
    printf "%-28s %12d %10.2f %14.0f %9.1f MiB\n", "sqlite3 .import (plain)", prows, tp, rp, mp / 1024
    thr = 0; slower = 0; mem = 0; disk = 0
    if (rp > 0) thr = rc / rp
    if (rc > 0) slower = rp / rc
    if (mp > 0) mem = mc / mp
    if (dbp > 0) disk = dbc / dbp
    printf "ratio ctis/plain: throughput %.3f (plain is %.1fx faster), peak memory %.2f, database size %.1f\n",
        thr, slower, mem, disk
    if (rp > 0) printf "ratio ctis --no-duplicates/plain: throughput %.3f\n", rn / rp
}'
