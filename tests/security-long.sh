#!/usr/bin/env bash
# The long security suite (issue 10, part S; docs/security.md "Security tests"): the whole
# authorization matrix (every route of docs/openapi.json × every built-in role in its default
# scope and in scope all, on SQLite and PostgreSQL), the security suite on both engines, and the
# stored-XSS browser test in headless Chromium. Uses build/ctis (run `make` first). Starts a
# throwaway PostgreSQL unless TEST_PG_URL is set. Writes its figures to
# build/test-logs/security-figures.txt and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGS="$ROOT/build/test-logs"
FIGURES="$LOGS/security-figures.txt"
mkdir -p "$LOGS"
export CTIS_PWHASH=fast
PASSED=0
FAILED=0

cleanup() {
    [ -n "${SERVER_PID:-}" ] && kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "${PG_STARTED:-}" ] && bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "${BROWSER_DIR:-/nonexistent}"
}
trap cleanup EXIT

run_node() { # name args...
    local name=$1 log="$LOGS/security-$1.log" rc p f
    shift
    node --test --test-concurrency=1 "$@" >"$log" 2>&1
    rc=$?
    p=$(grep -aoE '^# pass [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    f=$(grep -aoE '^# fail [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    printf '  %-28s %4d passed, %d failed  (%s)\n' "$name" "$p" "$f" "$log"
    grep -aE 'security-matrix|pwhash cap|xss:|sql injection' "$log" | sed 's/^# //' >>"$FIGURES"
}

start=$(date +%s)
echo "security suite, long ($(date -u +%Y-%m-%dT%H:%M:%SZ))" | tee "$FIGURES"
if [ -z "${TEST_PG_URL:-}" ]; then
    PG_DIR=$(mktemp -d /tmp/ctis-pg.XXXXXX)
    if TEST_PG_URL=$(bash tests/pg.sh start "$PG_DIR" 2>"$LOGS/security-pg.log" | tail -n 1) && [ -n "$TEST_PG_URL" ]; then
        PG_STARTED=1
    else
        echo "cannot start PostgreSQL (see $LOGS/security-pg.log)"
        FAILED=$((FAILED + 1))
        TEST_PG_URL=""
    fi
fi
export TEST_PG_URL

if [ -z "${SECURITY_BROWSER_ONLY:-}" ]; then # set: only the browser test (while writing it)
    CTIS_SECURITY_FULL=1 CTIS_BIN="$ROOT/build/ctis" run_node "matrix-and-attacks" \
        tests/http/security-matrix.test.mjs tests/http/security.test.mjs
fi

# The browser test: a server set up as tests/run.sh sets up its own.
BROWSER_DIR=$(mktemp -d /tmp/ctis-xss.XXXXXX)
ADMIN_PASSWORD="xss test passphrase 1"
if build/ctis init --db "$BROWSER_DIR/b.db" --admin-user root-admin --admin-password-stdin \
        <<<"$ADMIN_PASSWORD" >"$LOGS/security-xss-init.log" 2>&1 &&
    ADMIN_JSON=$(build/ctis user add xss-admin --db "$BROWSER_DIR/b.db" --agency "National Coordination Office" \
        --role administrator --scope all --display-name "XSS Admin" --password-stdin --totp --json \
        <<<"$ADMIN_PASSWORD" 2>>"$LOGS/security-xss-init.log"); then
    json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }
    TOTP_SECRET=$(printf '%s' "$ADMIN_JSON" | json_field totp_secret)
    ADMIN_TOKEN=$(build/ctis token create --db "$BROWSER_DIR/b.db" --user xss-admin --name xss-tests --days 1 \
        --json 2>>"$LOGS/security-xss-init.log" | json_field token)
    build/ctis serve --db "$BROWSER_DIR/b.db" --port 0 >"$BROWSER_DIR/serve.out" 2>"$LOGS/security-xss-serve.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        grep -q 'serving' "$BROWSER_DIR/serve.out" 2>/dev/null && break
        sleep 0.1
    done
    URL=$(grep -oE 'http://[0-9.]+:[0-9]+' "$BROWSER_DIR/serve.out" | head -n 1)
    CTIS_URL="$URL" CTIS_ADMIN_USER=xss-admin CTIS_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        CTIS_ADMIN_TOTP_SECRET="$TOTP_SECRET" CTIS_BIN="$ROOT/build/ctis" CTIS_DB="$BROWSER_DIR/b.db" \
        CTIS_ADMIN_TOKEN="$ADMIN_TOKEN" run_node "stored-xss" tests/browser/xss.test.mjs
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
else
    echo "  cannot set up the browser test database (see $LOGS/security-xss-init.log)"
    FAILED=$((FAILED + 1))
fi

echo "took $(($(date +%s) - start)) s; $PASSED passed, $FAILED failed" >>"$FIGURES"
echo "figures: $FIGURES"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
