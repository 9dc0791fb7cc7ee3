#!/usr/bin/env bash
# The long suites (`make test-long`): each fuzzer for FUZZ_LONG_SECONDS (default 300) with its
# corpus kept in build-fuzz/corpus/, then the HTTP integration suite 5 times against the ASan
# binary (to shake out races and leaks), then a load run of the HTTP benchmark for 60 s, then
# the load and scale-out suite (tests/load.sh), then the fault suite (tests/faults.sh: figures in
# build/test-logs/faults.txt), then the long security suite (tests/security-long.sh).
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_LONG_SECONDS:-300}
PASSED=0
FAILED=0
export CTIS_PWHASH=fast
mkdir -p build/test-logs
# Every fuzzer for SECONDS_EACH (tests/fuzz.sh: corpora in build-fuzz/corpus/, figures in
# build/test-logs/fuzz-figures.tsv).
echo "fuzzing every harness for ${SECONDS_EACH}s"
FUZZ_LONG_SECONDS=$SECONDS_EACH bash tests/fuzz.sh >build/test-logs/long-fuzz.log 2>&1
grep -E '^(fuzzing|  )' build/test-logs/long-fuzz.log
fuzz_tally=$(tail -n 1 build/test-logs/long-fuzz.log)
if [[ $fuzz_tally =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    PASSED=$((PASSED + BASH_REMATCH[1]))
    FAILED=$((FAILED + BASH_REMATCH[2]))
else
    FAILED=$((FAILED + 1))
    echo "  the fuzzing suite did not finish: see build/test-logs/long-fuzz.log"
fi
PG_DIR=$(mktemp -d /tmp/ctis-pg.XXXXXX)
if [ -z "${TEST_PG_URL:-}" ]; then
    TEST_PG_URL=$(bash tests/pg.sh start "$PG_DIR" | tail -n 1)
    trap 'bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1' EXIT
fi
export TEST_PG_URL
for i in 1 2 3 4 5; do
    echo "HTTP integration under ASan, round $i"
    if CTIS_BIN="$(pwd)/build-asan/ctis" node --test --test-concurrency=1 tests/http/ \
        >"build/test-logs/long-http-$i.log" 2>&1; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "  round $i failed: see build/test-logs/long-http-$i.log"
    fi
done
echo "load: 60 s of wrk against the release server"
if DURATION=60s bash bench/bench_http.sh >build/test-logs/long-load.log 2>&1; then
    PASSED=$((PASSED + 1))
    tail -n 3 build/test-logs/long-load.log
else
    FAILED=$((FAILED + 1))
    echo "  load run failed: see build/test-logs/long-load.log"
fi
echo "load and scale-out: tests/load.sh (200 clients, 60 s, SQLite and PostgreSQL)"
if bash tests/load.sh >build/test-logs/long-load-suite.log 2>&1; then
    PASSED=$((PASSED + 1))
else
    FAILED=$((FAILED + 1))
    echo "  load suite failed: see build/test-logs/long-load-suite.log"
fi
tail -n 6 build/test-logs/long-load-suite.log
echo "faults: tests/faults.sh (20 server kills, 5 import kills, full disk, PostgreSQL restart, restore drill, failover)"
if TEST_PG_URL= bash tests/faults.sh >build/test-logs/long-faults.log 2>&1; then
    PASSED=$((PASSED + 1))
else
    FAILED=$((FAILED + 1))
    echo "  the fault suite failed: see build/test-logs/long-faults.log"
fi
tail -n 1 build/test-logs/long-faults.log
# Issue 10, part S: the long security suite (the whole authorization matrix on both engines, every
# attack suite on both, the stored-XSS browser test); figures in build/test-logs/security-figures.txt.
echo "security: tests/security-long.sh"
if TEST_PG_URL="$TEST_PG_URL" bash tests/security-long.sh >build/test-logs/long-security.log 2>&1; then
    PASSED=$((PASSED + 1))
    tail -n 1 build/test-logs/long-security.log
else
    FAILED=$((FAILED + 1))
    echo "  security suite failed: see build/test-logs/long-security.log"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
