#!/usr/bin/env bash
# pg.sh: a throw-away PostgreSQL server for the tests.
#
#   tests/pg.sh start DIR   starts a server whose files live in DIR and prints its URL as the last
#                           line of stdout:  TEST_PG_URL=$(tests/pg.sh start DIR)
#                           When TEST_PG_URL is already set, prints it and starts nothing.
#   tests/pg.sh stop DIR    stops that server (pg_ctl stop -m fast) and removes DIR.
#
# Sourcing the file defines pg_start DIR and pg_stop DIR with the same behaviour.
# The server listens on 127.0.0.1 on a free port and on a Unix socket in DIR/sock, trusts every
# local connection, and runs without fsync (test data only). It has one database, ctis_test;
# the tests create and drop further databases themselves (tests/store/test_store.c).
# As root the server runs as the user postgres (runuser); otherwise as the calling user.
# Everything except the URL goes to stderr; the server log is DIR/postgres.log.

pg__say() {
    printf 'pg.sh: %s\n' "$*" >&2
}

pg__bindir() {
    local d=""
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null)
    fi
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    fi
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        pg__say "no PostgreSQL server binaries found (initdb)"
        return 1
    fi
    printf '%s\n' "$d"
}

# Runs a command as the owner of the server: postgres when we are root, else ourselves.
pg__as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg__free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

pg_start() {
    local dir="$1"
    if [ -z "$dir" ]; then
        pg__say "usage: pg.sh start DIR"
        return 2
    fi
    if [ -n "${TEST_PG_URL:-}" ]; then
        pg__say "using TEST_PG_URL from the environment"
        printf '%s\n' "$TEST_PG_URL"
        return 0
    fi
    local bin
    bin=$(pg__bindir) || return 1

    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd) || return 1
    if [ -e "$dir/pgdata" ]; then
        pg__say "$dir/pgdata exists: stop the old server first (pg.sh stop $dir)"
        return 1
    fi
    : >"$dir/.ctis-pg"
    mkdir -p "$dir/pgdata" "$dir/sock"
    chmod 755 "$dir" "$dir/sock"
    chmod 700 "$dir/pgdata"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir/pgdata" "$dir/sock"
        touch "$dir/postgres.log"
        chown postgres: "$dir/postgres.log"
        if ! runuser -u postgres -- test -w "$dir/sock"; then
            pg__say "user postgres cannot reach $dir (a parent directory is not searchable)"
            return 1
        fi
    fi

    if ! pg__as_owner "$bin/initdb" -D "$dir/pgdata" -A trust -U postgres --no-sync \
            -E UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
        pg__say "initdb failed:"
        cat "$dir/initdb.log" >&2
        return 1
    fi

    # A Unix socket path is limited to 107 bytes; without room, listen on TCP only.
    local sockopt="-k $dir/sock"
    if [ ${#dir} -gt 80 ]; then
        sockopt="-k ''"
    fi
    local port="" try
    for try in 1 2 3 4 5; do
        port=$(pg__free_port) || return 1
        if pg__as_owner "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
                -o "$sockopt -p $port -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
                start >&2; then
            break
        fi
        pg__say "start on port $port failed (attempt $try)"
        port=""
    done
    if [ -z "$port" ]; then
        tail -20 "$dir/postgres.log" >&2
        return 1
    fi
    printf '%s\n' "$port" >"$dir/port"
    if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ctis_test >&2; then
        pg__say "createdb failed"
        return 1
    fi
    printf 'postgresql://postgres@127.0.0.1:%s/ctis_test\n' "$port"
}

pg_stop() {
    local dir="$1"
    if [ -z "$dir" ]; then
        pg__say "usage: pg.sh stop DIR"
        return 2
    fi
    if [ ! -d "$dir" ]; then
        return 0
    fi
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
        local bin
        bin=$(pg__bindir) || return 1
        pg__as_owner "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >&2 || true
    fi
    # Remove only a directory this script made.
    if [ -f "$dir/.ctis-pg" ]; then
        rm -rf "$dir"
    else
        pg__say "$dir was not made by pg.sh; not removing it"
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    case "${1:-}" in
    start) pg_start "${2:-}" ;;
    stop) pg_stop "${2:-}" ;;
    *)
        pg__say "usage: pg.sh start DIR | pg.sh stop DIR"
        exit 2
        ;;
    esac
fi
