#!/usr/bin/env bash
# Runs every test suite of ctis against the builds made by `make test` (build/, build-asan/,
# build-fuzz/): the cmocka unit and store suites, the HTTP integration suite (node --test)
# against the real binary on SQLite and PostgreSQL, the browser test in headless Chromium, the
# unit and integration suites again under ASan+UBSan, and a short run of every fuzzer.
# It starts a throwaway PostgreSQL unless TEST_PG_URL is set, and ends with one line
# "N passed, N failed"; the exit status is non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS="$ROOT/build/test-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
export CTIS_PWHASH=fast
PASSED=0
FAILED=0
SKIPPED=0
FUZZ_SECONDS=${FUZZ_SECONDS:-6} # 13 harnesses: about 80 s in all

note() { printf '%s\n' "$*"; }

add() { # suite passed failed [skipped]
    PASSED=$((PASSED + $2))
    FAILED=$((FAILED + $3))
    SKIPPED=$((SKIPPED + ${4:-0}))
    printf '  %-34s %4d passed, %d failed%s\n' "$1" "$2" "$3" "$([ "${4:-0}" -gt 0 ] && echo ", $4 skipped")"
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:" per group.
run_cmocka() { # name binary
    local name=$1 bin=$2 log="$LOGS/$1.log" rc
    if [ ! -x "$bin" ]; then
        note "  $name: $bin was not built"
        add "$name" 0 1
        return
    fi
    "$bin" >"$log" 2>&1
    rc=$?
    local p f ran
    p=$(grep -aoE '^\[  PASSED  \] [0-9]+' "$log" | awk '{s += $4} END {print s + 0}')
    f=$(grep -aoE '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s += $4} END {print s + 0}')
    local sk
    sk=$(grep -aoE '^\[  SKIPPED \] [0-9]+ test' "$log" | awk '{s += $4} END {print s + 0}')
    ran=$(grep -acE '^\[==========\] [0-9]+ test\(s\) run' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed, or a sanitizer stopped it
    fi
    if [ "$ran" -eq 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    add "$name" "$p" "$f" "$sk"
    if [ "$f" -ne 0 ]; then
        note "    see $log:"
        grep -aE 'FAILED|ERROR|error|Sanitizer|runtime error|Assertion|assertion' "$log" | head -20 | sed 's/^/      /'
    fi
}

# node --test prints "# pass N", "# fail N", "# skipped N".
run_node() { # name log-suffix args...
    local name=$1 log="$LOGS/$1.log" rc
    shift
    node --test --test-concurrency=1 "$@" >"$log" 2>&1
    rc=$?
    local p f s
    p=$(grep -aoE '^# pass [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    f=$(grep -aoE '^# fail [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    s=$(grep -aoE '^# skipped [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
    fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        f=1 # ran nothing
    fi
    add "$name" "$p" "$f" "$s"
    if [ "$f" -ne 0 ]; then
        note "    see $log:"
        grep -aE '^not ok|# Subtest|error|Error' "$log" | head -20 | sed 's/^/      /'
    fi
}

cleanup() {
    if [ -n "${SERVER_PID:-}" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    if [ -n "${PG_STARTED:-}" ]; then
        bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    fi
    rm -rf "${BROWSER_DIR:-/nonexistent}"
}
trap cleanup EXIT

start=$(date +%s)
note "ctis tests ($(date -u +%Y-%m-%dT%H:%M:%SZ))"

# PostgreSQL: a real server, started here unless one is given.
if [ -z "${TEST_PG_URL:-}" ]; then
    PG_DIR=$(mktemp -d /tmp/ctis-pg.XXXXXX)
    if TEST_PG_URL=$(bash tests/pg.sh start "$PG_DIR" 2>"$LOGS/pg.log" | tail -n 1) && [ -n "$TEST_PG_URL" ]; then
        PG_STARTED=1
        note "PostgreSQL started for the tests: $TEST_PG_URL"
    else
        note "cannot start PostgreSQL (see $LOGS/pg.log): the PostgreSQL halves will fail"
        add "postgresql server" 0 1
        TEST_PG_URL=""
    fi
fi
export TEST_PG_URL

note "style:"
if command -v clang-format >/dev/null 2>&1; then
    unformatted=$(for f in $(git ls-files '*.c' '*.h' 2>/dev/null); do
        clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"
    done)
    if [ -z "$unformatted" ]; then
        add "clang-format" 1 0
    else
        add "clang-format" 0 1
        note "    not formatted (run make format): $(echo $unformatted | head -c 300)"
    fi
fi
layer_hits=$(grep -rlE '#include[[:space:]]*[<"](sqlite3|libpq-fe|sodium|microhttpd)\.h[>"]' \
    src/cases src/referral src/tasks src/justice src/stats src/link src/fund src/plan src/api src/web src/cli \
    src/auth src/audit src/i18n src/util 2>/dev/null)
if [ -z "$layer_hits" ]; then
    add "layering (platform headers)" 1 0
else
    add "layering (platform headers)" 0 1
    note "    only store, vault and http may include sqlite3.h, libpq-fe.h, sodium.h, microhttpd.h: $layer_hits"
fi
xlsx_hits=$(grep -rlE '#include[[:space:]]*[<"](zip|expat|xlsxwriter)\.h[>"]' src 2>/dev/null | grep -v '^src/xlsx/')
if [ -z "$xlsx_hits" ]; then
    add "layering (zip.h, expat.h and xlsxwriter.h only in src/xlsx)" 1 0
else
    add "layering (zip.h, expat.h and xlsxwriter.h only in src/xlsx)" 0 1
    note "    only src/xlsx may include zip.h, expat.h and xlsxwriter.h: $xlsx_hits"
fi

note "unit and store suites (release build):"
for t in build/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    run_cmocka "$(basename "$t")" "$t"
done

note "HTTP integration suite (release build):"
if [ -d tests/http ] && ls tests/http/*.test.mjs >/dev/null 2>&1; then
    CTIS_BIN="$ROOT/build/ctis" run_node "http" tests/http/
else
    add "http" 0 1
fi

note "load, short (issue 10 part L; the long run is make test-load):"
LOAD_CLIENTS=20 LOAD_SECONDS=5 LOAD_ENGINES=sqlite LOAD_LOGINS=8 LOAD_OUT="$LOGS" CTIS_BIN="$ROOT/build/ctis" \
    run_node "load" tests/load/
grep -aE '^# \\?# (load|logins)' "$LOGS/load.log" | sed 's/^# \\\?# /    /'

note "browser test (headless Chromium):"
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund >"$LOGS/npm.log" 2>&1)
fi
BROWSER_DIR=$(mktemp -d /tmp/ctis-browser.XXXXXX)
ADMIN_PASSWORD="browser test passphrase 1"
if build/ctis init --db "$BROWSER_DIR/b.db" --admin-user root-admin --admin-password-stdin \
        <<<"$ADMIN_PASSWORD" >"$LOGS/browser-init.log" 2>&1 &&
    ADMIN_JSON=$(build/ctis user add browser-admin --db "$BROWSER_DIR/b.db" --agency "National Coordination Office" \
        --role administrator --scope all --display-name "Browser Admin" --password-stdin --totp --json \
        <<<"$ADMIN_PASSWORD" 2>>"$LOGS/browser-init.log"); then
    TOTP_SECRET=$(printf '%s' "$ADMIN_JSON" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).totp_secret))')
    # An API token of the administrator: the tests create their users through it, without signing
    # in (each sign-in would wait for a one-time code of a fresh 30-second step).
    ADMIN_TOKEN=$(build/ctis token create --db "$BROWSER_DIR/b.db" --user browser-admin --name browser-tests --days 1 \
        --json 2>>"$LOGS/browser-init.log" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
    build/ctis serve --db "$BROWSER_DIR/b.db" --port 0 --no-access-log >"$BROWSER_DIR/serve.out" 2>"$LOGS/browser-serve.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        grep -q 'serving' "$BROWSER_DIR/serve.out" 2>/dev/null && break
        sleep 0.1
    done
    URL=$(grep -oE 'http://[0-9.]+:[0-9]+' "$BROWSER_DIR/serve.out" | head -n 1)
    CTIS_URL="$URL" CTIS_ADMIN_USER=browser-admin CTIS_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        CTIS_ADMIN_TOTP_SECRET="$TOTP_SECRET" CTIS_BIN="$ROOT/build/ctis" CTIS_DB="$BROWSER_DIR/b.db" CTIS_ADMIN_TOKEN="$ADMIN_TOKEN" \
        run_node "browser" tests/browser/
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
else
    note "  cannot set up the browser test database (see $LOGS/browser-init.log)"
    add "browser" 0 1
fi

note "unit and store suites again under ASan+UBSan:"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in build-asan/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    run_cmocka "asan:$(basename "$t")" "$t"
done
note "HTTP integration suite again under ASan+UBSan:"
CTIS_BIN="$ROOT/build-asan/ctis" run_node "asan:http" tests/http/

note "fault suite, short (tests/faults.sh --short):"
bash tests/faults.sh --short >"$LOGS/faults.log" 2>&1
fp=$(tail -n 1 "$LOGS/faults.log" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\1/p')
ff=$(tail -n 1 "$LOGS/faults.log" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed.*/\2/p')
fs=$(tail -n 1 "$LOGS/faults.log" | sed -nE 's/.*, ([0-9]+) skipped$/\1/p')
if [ -z "$fp" ]; then
    fp=0
    ff=1
fi
add "faults (short)" "$fp" "$ff" "${fs:-0}"
if [ "$ff" -ne 0 ]; then
    note "    see $LOGS/faults.log:"
    grep -a 'FAIL' "$LOGS/faults.log" | head -10 | sed 's/^/      /'
fi

note "fuzzers (${FUZZ_SECONDS}s each):"
for f in build-fuzz/tests/fuzz/fuzz_*; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    name=$(basename "$f")
    corpus=$(mktemp -d /tmp/ctis-corpus.XXXXXX)
    if [ -d "tests/fuzz/corpus/$name" ]; then
        cp -r "tests/fuzz/corpus/$name/." "$corpus/"
    fi
    if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$LOGS/$name-" "$corpus" \
        >"$LOGS/$name.log" 2>&1; then
        add "fuzz:$name" 1 0
    else
        add "fuzz:$name" 0 1
        note "    see $LOGS/$name.log"
    fi
    rm -rf "$corpus"
done

note "took $(( $(date +%s) - start ))s; logs in $LOGS"
echo "$PASSED passed, $FAILED failed$([ "$SKIPPED" -gt 0 ] && echo ", $SKIPPED skipped")"
[ "$FAILED" -eq 0 ]
