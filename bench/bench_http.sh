#!/usr/bin/env bash
# bench_http: the HTTP benchmark, one command. Makes a fresh database with build/ctis, creates an
# API token for the admin, serves on a free loopback port, then runs wrk (2 threads, 32
# connections, 10 s, --latency) against /healthz (the baseline: routing, headers, no database)
# and against /api/v1/me with the bearer token (authentication and one read), and prints
# requests/s and p99 latency for each and the ratio me/healthz. The server is stopped at the end.
#
# Usage: bench/bench_http.sh            (from anywhere; needs build/ctis and wrk)
# Environment: CTIS (binary, default build/ctis), DURATION (default 10s), THREADS (2),
# CONNECTIONS (32), KEEP=1 keeps the temporary directory (database and server log).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
ctis=${CTIS:-$root/build/ctis}
duration=${DURATION:-10s}
threads=${THREADS:-2}
connections=${CONNECTIONS:-32}

die() { echo "bench_http: $*" >&2; exit 1; }

[ -x "$ctis" ] || die "$ctis is not built (ninja -C build)"
command -v wrk >/dev/null || die "wrk is not installed"
command -v python3 >/dev/null || die "python3 is needed to pick a port and check responses"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctis_bench_http.XXXXXX")
db=$tmp/bench.db
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        echo "bench_http: kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# A database with an admin and an API token (the one-time password is not needed here).
"$ctis" init --db "$db" --admin-user admin >"$tmp/init.out" 2>"$tmp/init.err" ||
    die "ctis init failed: $(tail -n 3 "$tmp/init.err")"
grep -q '^password: ' "$tmp/init.out" || die "ctis init printed no 'password:' line"
"$ctis" token create --db "$db" --user admin --name bench >"$tmp/token.out" 2>"$tmp/token.err" ||
    die "ctis token create failed: $(tail -n 3 "$tmp/token.err")"
token=$(sed -n 's/^token: *//p' "$tmp/token.out" | head -n 1)
[ -n "$token" ] || die "ctis token create printed no 'token:' line"

# A free loopback port (a small race with other programs is acceptable for a benchmark).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

"$ctis" serve --db "$db" --port "$port" >"$tmp/serve.out" 2>"$tmp/serve.log" &
server_pid=$!

# Wait for the server, then check that both endpoints answer 200 before measuring.
check() { # url [bearer]
    python3 - "$@" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1])
if len(sys.argv) > 2:
    req.add_header("Authorization", "Bearer " + sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception as e:
    print(e, file=sys.stderr)
    sys.exit(1)
EOF
}
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do
    check "$base/healthz" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || die "ctis serve exited: $(tail -n 5 "$tmp/serve.log")"
    sleep 0.1
done
check "$base/healthz" || die "GET /healthz does not answer 200"
check "$base/api/v1/me" "$token" || die "GET /api/v1/me with the token does not answer 200"

run_wrk() { # name url [header]
    local out=$tmp/$1.wrk
    if [ $# -gt 2 ]; then
        wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "$3" "$2" >"$out"
    else
        wrk -t"$threads" -c"$connections" -d"$duration" --latency "$2" >"$out"
    fi
    if grep -q 'Non-2xx or 3xx responses' "$out"; then
        cat "$out" >&2
        die "$1: some responses were errors; the numbers would mean nothing"
    fi
}
echo "bench_http: wrk -t$threads -c$connections -d$duration on 127.0.0.1:$port ($(nproc) CPUs)"
run_wrk healthz "$base/healthz"
run_wrk me "$base/api/v1/me" "Authorization: Bearer $token"

# Requests/s and the 99th percentile (converted to ms) from wrk's output.
rps() { awk '/^Requests\/sec:/ { print $2 }' "$tmp/$1.wrk"; }
p99() {
    awk '$1 == "99%" {
        v = $2
        if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) }
        else if (v ~ /m$/) { sub(/m$/, "", v); v = v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 }
        printf "%.2f", v
    }' "$tmp/$1.wrk"
}
h_rps=$(rps healthz)
m_rps=$(rps me)
[ -n "$h_rps" ] && [ -n "$m_rps" ] || die "cannot read wrk's output"

printf '%-16s %14s %12s\n' endpoint 'requests/s' 'p99 (ms)'
printf '%-16s %14s %12s\n' /healthz "$h_rps" "$(p99 healthz)"
printf '%-16s %14s %12s\n' /api/v1/me "$m_rps" "$(p99 me)"
awk -v m="$m_rps" -v h="$h_rps" 'BEGIN { printf "ratio me/healthz: %.3f\n", (h > 0 ? m / h : 0) }'
