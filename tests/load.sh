#!/usr/bin/env bash
# The load and scale-out suite (`make test-load`, issue 10 part L), one command:
#   1. tests/load/load.test.mjs with LOAD_CLIENTS (200) clients for LOAD_SECONDS (60) on SQLite
#      and on PostgreSQL: throughput, p50/p99, zero 5xx, zero lost writes (counted afterwards),
#      then LOAD_LOGINS (64) concurrent logins with real Argon2id hashing under the memory cap
#      (on PostgreSQL when it is there: its login transactions run side by side);
#   2. tests/http/scaleout.test.mjs with SCALEOUT_WRITERS (50) writers and SCALEOUT_PATCHES (1000)
#      PATCHes of one case through two servers on one PostgreSQL behind a round-robin.
# Starts a throwaway PostgreSQL (tests/pg.sh) unless TEST_PG_URL is set. Figures go to
# build/test-logs/load-sqlite.json, load-postgres.json, load-logins.json and are summed up in
# build/test-logs/load.txt (printed). Ends with "N passed, N failed"; non-zero exit on failure.
# Needs build/ctis (make). CTIS_BIN overrides the binary.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS="$ROOT/build/test-logs"
mkdir -p "$LOGS"
rm -f "$LOGS"/load-*.json "$LOGS/load.txt"
export CTIS_BIN=${CTIS_BIN:-$ROOT/build/ctis}
export LOAD_CLIENTS=${LOAD_CLIENTS:-200}
export LOAD_SECONDS=${LOAD_SECONDS:-60}
export LOAD_LOGINS=${LOAD_LOGINS:-64}
export LOAD_ENGINES=${LOAD_ENGINES:-sqlite,postgres}
export SCALEOUT_WRITERS=${SCALEOUT_WRITERS:-50}
export SCALEOUT_PATCHES=${SCALEOUT_PATCHES:-1000}
export LOAD_OUT="$LOGS"
PASSED=0
FAILED=0
SKIPPED=0

[ -x "$CTIS_BIN" ] || { echo "load.sh: $CTIS_BIN is not built (make)"; echo "0 passed, 1 failed"; exit 1; }

if [ -z "${TEST_PG_URL:-}" ]; then
    PG_DIR=$(mktemp -d /tmp/ctis-pg.XXXXXX)
    trap 'bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1' EXIT
    TEST_PG_URL=$(bash tests/pg.sh start "$PG_DIR" 2>"$LOGS/load-pg.log" | tail -n 1) || TEST_PG_URL=""
    [ -n "$TEST_PG_URL" ] || echo "load.sh: cannot start PostgreSQL (see $LOGS/load-pg.log): its halves are skipped"
fi
export TEST_PG_URL

run() { # name file
    local log="$LOGS/load-$1.log" rc p f s
    node --test --test-concurrency=1 "$2" >"$log" 2>&1
    rc=$?
    p=$(grep -aoE '^# pass [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    f=$(grep -aoE '^# fail [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    s=$(grep -aoE '^# skipped [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SKIPPED=$((SKIPPED + s))
    printf '  %-12s %d passed, %d failed, %d skipped (log: %s)\n' "$1" "$p" "$f" "$s" "$log"
    grep -aE '^# \\?# (load|logins|scale-out)' "$log" | sed 's/^# \\\?# /    /'
    if [ "$f" -ne 0 ]; then
        grep -aE '^ *not ok|error:' "$log" | head -10 | sed 's/^/    /'
    fi
}

echo "load: $LOAD_CLIENTS clients for $LOAD_SECONDS s on $LOAD_ENGINES ($(nproc) CPUs), $LOAD_LOGINS logins"
run load tests/load/load.test.mjs
echo "scale-out: $SCALEOUT_WRITERS writers, $SCALEOUT_PATCHES PATCHes through two servers"
run scaleout tests/http/scaleout.test.mjs

{
    echo "ctis load and scale-out, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $("$CTIS_BIN" --version 2>/dev/null | head -n 1)"
    for e in sqlite postgres; do
        [ -f "$LOGS/load-$e.json" ] || continue
        node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const p = d.patches_ok;
console.log(`${d.engine}: ${d.clients} clients, ${d.seconds} s, ${d.requests} requests, ${d.rps} req/s, p50 ${d.p50_ms} ms, p99 ${d.p99_ms} ms, status ${JSON.stringify(d.status)}, writes ${d.created.cases} cases + ${d.created.tasks} tasks + ${d.created.comments} comments + ${p} PATCHes, lost ${d.lost_writes}`);' "$LOGS/load-$e.json"
    done
    [ -f "$LOGS/load-logins.json" ] && echo "logins: $(cat "$LOGS/load-logins.json" | tr -d '\n ')"
    grep -aoE 'scale-out: [{].*' "$LOGS/load-scaleout.log" | head -n 1
} >"$LOGS/load.txt"
cat "$LOGS/load.txt"
echo "$PASSED passed, $FAILED failed$([ "$SKIPPED" -gt 0 ] && echo ", $SKIPPED skipped")"
[ "$FAILED" -eq 0 ]
