#!/usr/bin/env bash
# faults.sh: the fault suite (issue 10, item 3), one command: `make test-faults` or
#   tests/faults.sh [--short]
# 1. server kill: clients write cases through the API while the server is killed with SIGKILL at
#    a random point; after a restart the database opens, PRAGMA integrity_check is ok,
#    `ctis audit verify` passes and every write a client saw acknowledged (201) is there.
#    Repeated ROUNDS times on SQLite (20; 3 with --short) and PG_ROUNDS times on PostgreSQL (5; 1).
# 2. import kill: `ctis import htcds-csv` of a generated file (`ctis generate`, IMPORT_ROWS rows,
#    default 3000) killed with SIGKILL at a random point: the database holds all or none of the
#    file's rows, the audit chain verifies, and a re-run completes with every row. IMPORT_ROUNDS
#    times on SQLite (5; 2 with --short), PG_ROUNDS times on PostgreSQL.
# 3. full disk: the SQLite database on an 8 MB loop-mounted ext4 (root only; skipped with a
#    message otherwise): writes until full answer 503 with a message (the CLI exits 7 with one),
#    nothing is corrupt, and the running server writes again once space is freed.
# 4. PostgreSQL restart (tests/pg.sh, pg_ctl restart) under write load: every request during the
#    outage answers 201 or 503 (no 500, no hang over 10 s) and the server recovers by itself.
# 5. restore drill: scripts/restore-drill.sh (backup, key import, restore, audit verify) on the
#    database of part 1, and the same with a wrong passphrase must fail.
# 6. failover: a primary with a synchronous streaming standby (pg_basebackup -R),
#    the primary crashed (pg_ctl -m immediate) under 8 writers, the standby promoted, ctis pointed
#    at it: every acknowledged write there, audit chain sound, writes go on (FO_SECONDS of writes:
#    12; 4 with --short).
# Figures go to build/test-logs/faults.txt. Ends with "N passed, N failed".
# CTIS names the binary (default build/ctis).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CTIS=${CTIS:-$ROOT/build/ctis}
SHORT=0
[ "${1:-}" = "--short" ] && SHORT=1
ROUNDS=${ROUNDS:-$([ $SHORT = 1 ] && echo 3 || echo 20)}
PG_ROUNDS=${PG_ROUNDS:-$([ $SHORT = 1 ] && echo 1 || echo 5)}
IMPORT_ROUNDS=${IMPORT_ROUNDS:-$([ $SHORT = 1 ] && echo 2 || echo 5)}
IMPORT_ROWS=${IMPORT_ROWS:-3000}
PG_LOAD_SECONDS=${PG_LOAD_SECONDS:-$([ $SHORT = 1 ] && echo 6 || echo 20)}
export CTIS_PWHASH=fast
mkdir -p build/test-logs
FIG=build/test-logs/faults.txt
WORK=$(mktemp -d /tmp/ctis-faults.XXXXXX)
PASSED=0
FAILED=0
SKIPPED=0
SERVER_PID=""
MNT=""
PG_DIR=""

cleanup() {
    [ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
    for d in "$WORK/fo-standby" "$WORK/fo-primary"; do
        [ -f "$d/postmaster.pid" ] && pg__as_owner "$(pg__bindir)/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
    done
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    [ -n "$PG_DIR" ] && bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); printf '  ok   %s\n' "$*"; }
bad() { FAILED=$((FAILED + 1)); printf '  FAIL %s\n' "$*"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf '  skip %s\n' "$*"; }
fig() { printf '%s\n' "$*" | tee -a "$FIG" >/dev/null; }
rand_ms() { echo $(( $1 + RANDOM % ($2 - $1 + 1) )); } # min max
sleep_ms() { sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"; }
# A writer's JSON line, shortened for the figures: counts, times, and the first error message.
brief() { node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const first = o.bad[0]; delete o.bad; console.log(JSON.stringify(o) + (first ? " first error: " + first : ""));' "$1"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

[ -x "$CTIS" ] || { echo "faults: $CTIS is not built"; echo "0 passed, 1 failed"; exit 1; }
: >"$FIG"
fig "ctis fault suite $(date -u +%Y-%m-%dT%H:%M:%SZ) ($([ $SHORT = 1 ] && echo short || echo long), $(nproc) CPUs)"

# A database DB with a writer (case_supervisor) and prints the writer's API token.
make_db() { # db
    "$CTIS" init --db "$1" --admin-user root-admin >/dev/null 2>&1 || return 1
    "$CTIS" user add fault-writer --db "$1" --agency "National Coordination Office" --role case_supervisor \
        --scope agency --display-name "Fault Writer" --password-stdin <<<"fault suite passphrase 1" >/dev/null 2>&1 ||
        return 1
    "$CTIS" token create --db "$1" --user fault-writer --name faults 2>/dev/null | sed -n 's/^token: *//p'
}

# Starts the server on DB, port PORT; sets SERVER_PID. Waits until /healthz answers.
start_server() { # db port log
    "$CTIS" serve --db "$1" --port "$2" --no-access-log >>"$3" 2>&1 &
    SERVER_PID=$!
    local i
    for i in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$2/healthz" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_server() {
    [ -n "$SERVER_PID" ] && { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; }
    SERVER_PID=""
}

# Two clients write for 2 s on the server at PORT: true when every answer was 201 (the writer's
# JSON line goes to OUT).
writes_go_on() { # port token ackfile out
    : >"$3"
    WRITE_SECONDS=2 CLIENTS=2 node tests/faults/writer.mjs "http://127.0.0.1:$1" "$2" "$3" >"$4" 2>&1
    node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
process.exit(o.acked > 0 && Object.keys(o.statuses).every((c) => c === "201") ? 0 : 1)' "$4"
}

# One query's rows, on SQLite or PostgreSQL.
sqlq() { # db sql
    case "$1" in
    postgres://* | postgresql://*) psql -Atq "$1" -c "$2" 2>&1 ;;
    *) sqlite3 "$1" "$2" 2>&1 ;;
    esac
}

# integrity_check (SQLite), audit verify: "" when both pass, else a reason.
db_sound() { # db
    local ic
    case "$1" in
    postgres://* | postgresql://*) ;;
    *)
        ic=$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1 | head -n 3)
        [ "$ic" = ok ] || { echo "integrity_check: $ic"; return; }
        ;;
    esac
    "$CTIS" audit verify --db "$1" >"$WORK/verify.out" 2>&1 || { echo "audit verify: $(tail -n 1 "$WORK/verify.out")"; return; }
}

# PostgreSQL for parts 1b, 2b and 4: our own server (part 4 restarts it), never TEST_PG_URL's.
PG_DIR=$WORK/pg
chmod 755 "$WORK" # PostgreSQL runs as the user postgres and must reach $WORK/pg
PG_URL=$(TEST_PG_URL= bash tests/pg.sh start "$PG_DIR" 2>"$WORK/pg.log" | tail -n 1) || PG_URL=""
# The URL of another database on that server, created empty.
pg_db() { # name
    psql -Atq "$PG_URL" -c "CREATE DATABASE $1" >/dev/null 2>&1
    printf '%s\n' "${PG_URL%/*}/$1"
}

# Part 1: ROUNDS rounds of writes and SIGKILL on DB (CTIS_KEY_FILE names its key for PostgreSQL).
server_kills() { # engine db rounds
    local engine=$1 db=$2 rounds=$3 token port total_acked=0 lost_rounds=0 r acked why missing wpid cases
    token=$(make_db "$db")
    port=$(free_port)
    for r in $(seq 1 "$rounds"); do
        if ! start_server "$db" "$port" "$WORK/kill-serve.log"; then
            bad "$engine round $r: the server does not start again after SIGKILL: $(tail -n 2 "$WORK/kill-serve.log")"
            lost_rounds=$((lost_rounds + 1))
            continue
        fi
        : >"$WORK/ack.txt"
        WRITE_SECONDS=30 CLIENTS=8 node tests/faults/writer.mjs "http://127.0.0.1:$port" "$token" "$WORK/ack.txt" \
            >"$WORK/writer.out" 2>&1 &
        wpid=$!
        sleep_ms "$(rand_ms 300 2500)"
        kill -KILL "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=""
        wait "$wpid"
        acked=$(wc -l <"$WORK/ack.txt")
        total_acked=$((total_acked + acked))
        why=$(db_sound "$db")
        sqlq "$db" 'SELECT id FROM cases' | sort >"$WORK/have.txt"
        missing=$(sort "$WORK/ack.txt" | comm -23 - "$WORK/have.txt" | wc -l)
        if [ -n "$why" ] || [ "$missing" -ne 0 ]; then
            bad "$engine round $r: $acked acknowledged, $missing missing; $why"
            lost_rounds=$((lost_rounds + 1))
        fi
    done
    stop_server
    cases=$(sqlq "$db" 'SELECT count(*) FROM cases')
    if [ "$lost_rounds" -eq 0 ]; then
        ok "server kill ($engine): $rounds rounds, $total_acked acknowledged writes, none lost; $cases cases; $([ "$engine" = SQLite ] && echo "integrity and ")audit chain sound each time"
    fi
    fig "server kill ($engine): $rounds rounds, $total_acked acknowledged writes, $lost_rounds bad rounds; $cases cases in the end ($((cases - total_acked)) committed but never acknowledged: killed between COMMIT and the answer)"
}

# ---------------------------------------------------------------------------------------------
echo "1. server killed with SIGKILL while clients write ($ROUNDS rounds on SQLite, $PG_ROUNDS on PostgreSQL)"
db=$WORK/kill.db
server_kills SQLite "$db" "$ROUNDS"
if [ -n "$PG_URL" ]; then
    CTIS_KEY_FILE=$WORK/kill-pg.key
    export CTIS_KEY_FILE
    server_kills PostgreSQL "$(pg_db ctis_kill)" "$PG_ROUNDS"
    unset CTIS_KEY_FILE
else
    bad "server kill (PostgreSQL): cannot start PostgreSQL: $(tail -n 2 "$WORK/pg.log")"
fi

# ---------------------------------------------------------------------------------------------
echo "2. import killed with SIGKILL ($IMPORT_ROUNDS rounds on SQLite, $PG_ROUNDS on PostgreSQL, of $IMPORT_ROWS rows)"
csv=$WORK/cases.csv
"$CTIS" generate htcds-csv --rows "$IMPORT_ROWS" --out "$csv" >/dev/null 2>&1
rows=$(( $(wc -l <"$csv") - 1 ))
bad_rounds=0
kills=0
t0=$(date +%s%N)
"$CTIS" init --db "$WORK/timing.db" >/dev/null 2>&1
"$CTIS" import htcds-csv "$csv" --db "$WORK/timing.db" --no-duplicates >/dev/null 2>&1
import_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# Part 2 on one engine: DB_FOR ROUND sets IDB to a fresh database's URL.
import_kills() { # engine rounds db_for
    local engine=$1 rounds=$2 db_for=$3 bad_rounds=0 kills=0 whole=0 none=0 r idb ipid n n2 why
    for r in $(seq 1 "$rounds"); do
        "$db_for" "$r" # sets IDB (and CTIS_KEY_FILE for PostgreSQL)
        idb=$IDB
        "$CTIS" init --db "$idb" >/dev/null 2>&1
        "$CTIS" import htcds-csv "$csv" --db "$idb" --no-duplicates >"$WORK/import.out" 2>&1 &
        ipid=$!
        sleep_ms "$(rand_ms 50 $((import_ms * 7 / 10 + 60)))"
        kill -KILL "$ipid" 2>/dev/null && kills=$((kills + 1))
        wait "$ipid" 2>/dev/null
        n=$(sqlq "$idb" 'SELECT count(*) FROM cases')
        why=$(db_sound "$idb")
        if [ "$n" = 0 ]; then
            none=$((none + 1))
        elif [ "$n" = "$rows" ]; then
            whole=$((whole + 1))
        else
            why="$why half written: $n of $rows rows"
        fi
        if ! "$CTIS" import htcds-csv "$csv" --db "$idb" --no-duplicates >"$WORK/import2.out" 2>&1; then
            why="$why re-run failed: $(tail -n 1 "$WORK/import2.out")"
        fi
        n2=$(sqlq "$idb" 'SELECT count(*) FROM cases')
        [ "$n2" = "$rows" ] || why="$why after the re-run $n2 of $rows rows"
        why="$why$(db_sound "$idb")"
        if [ -n "$why" ]; then
            bad "import ($engine) round $r (killed with $n rows in): $why"
            bad_rounds=$((bad_rounds + 1))
        fi
        case "$idb" in postgres*) ;; *) rm -f "$idb"* ;; esac
    done
    [ "$bad_rounds" -eq 0 ] && ok "import kill ($engine): $rounds rounds ($kills killed before it exited), all-or-none each time, re-runs complete"
    fig "import kill ($engine): $rounds rounds of $rows rows (a full import on SQLite takes ${import_ms} ms), $kills killed before it exited: $none with no row, $whole with all rows, $bad_rounds bad"
}
sqlite_import_db() { IDB=$WORK/import-$1.db; }
pg_import_db() {
    CTIS_KEY_FILE=$WORK/import-pg-$1.key
    export CTIS_KEY_FILE
    IDB=$(pg_db "ctis_import_$1")
}
import_kills SQLite "$IMPORT_ROUNDS" sqlite_import_db
if [ -n "$PG_URL" ]; then
    import_kills PostgreSQL "$PG_ROUNDS" pg_import_db
    unset CTIS_KEY_FILE
fi

# ---------------------------------------------------------------------------------------------
echo "3. full disk (SQLite on an 8 MB loop-mounted ext4)"
MNT=$WORK/mnt
mkdir -p "$MNT"
if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.ext4 >/dev/null; then
    MNT=""
    skip "full disk: needs root and mkfs.ext4 to mount a small file system"
    fig "full disk: skipped (not root or no mkfs.ext4)"
elif ! { dd if=/dev/zero of="$WORK/disk.img" bs=1M count=8 status=none &&
    mkfs.ext4 -q -F "$WORK/disk.img" >/dev/null 2>&1 &&
    mount -o loop "$WORK/disk.img" "$MNT" 2>"$WORK/mount.err"; }; then
    MNT=""
    skip "full disk: mount -o loop is not permitted here ($(head -n 1 "$WORK/mount.err" 2>/dev/null))"
    fig "full disk: skipped (mount -o loop not permitted)"
else
    fdb=$MNT/full.db
    ftoken=$(make_db "$fdb")
    # Ballast to free later: the server must write again without a restart.
    dd if=/dev/zero of="$MNT/ballast" bs=1M count=1 status=none
    port=$(free_port)
    why=""
    if ! start_server "$fdb" "$port" "$WORK/full-serve.log"; then
        why="the server does not start on the small disk"
    else
        # Big cases (8 KiB of notes each) until the disk is full.
        : >"$WORK/ack-full.txt"
        WRITE_SECONDS=60 CLIENTS=2 PAD=8000 THROUGH_ERRORS=1 STOP_ON_ERROR_STATUS=1 \
            node tests/faults/writer.mjs "http://127.0.0.1:$port" "$ftoken" "$WORK/ack-full.txt" >"$WORK/full.out" 2>&1
        fig "full disk: writer $(brief "$WORK/full.out")"
        node -e '
const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const codes = Object.keys(o.statuses).filter((c) => c !== "201");
if (o.acked === 0) { console.log("nothing was written before the disk filled"); process.exit(1); }
if (codes.length === 0) { console.log("the disk never filled"); process.exit(1); }
for (const c of codes) if (c !== "503" && c !== "507") { console.log("status " + c + ": " + o.bad.join(" | ")); process.exit(1); }
if (!o.bad.some((b) => /full|space/i.test(b))) { console.log("the error does not say the disk is full: " + o.bad[0]); process.exit(1); }
if (o.hangs) { console.log(o.hangs + " requests hung"); process.exit(1); }' "$WORK/full.out" >"$WORK/full.why" ||
            why="$(cat "$WORK/full.why")"
        # The CLI on the full disk: exit 7 (unavailable) with a message.
        "$CTIS" case add --db "$fdb" --agency "National Coordination Office" \
            --fields "{\"given_name\":\"Full\",\"narrative\":\"$(head -c 20000 /dev/zero | tr '\0' x)\"}" \
            >"$WORK/cli-full.out" 2>&1
        rc=$?
        fig "full disk: CLI exit $rc: $(head -n 1 "$WORK/cli-full.out")"
        if [ "$rc" -ne 7 ] || ! grep -qiE 'full|space' "$WORK/cli-full.out"; then
            why="$why; CLI on a full disk: exit $rc, $(head -n 1 "$WORK/cli-full.out")"
        fi
        # Free space; the same server writes again.
        rm -f "$MNT/ballast"
        : >"$WORK/ack-after.txt"
        WRITE_SECONDS=2 CLIENTS=1 node tests/faults/writer.mjs "http://127.0.0.1:$port" "$ftoken" "$WORK/ack-after.txt" \
            >"$WORK/after.out" 2>&1
        grep -q '"201"' "$WORK/after.out" || why="$why; no write succeeds after space was freed: $(cat "$WORK/after.out")"
        fig "full disk: after freeing 1 MB: $(brief "$WORK/after.out")"
        stop_server
        # The writes after freeing space may fill the disk again, and then sqlite3 could not make
        # its shared-memory file beside the database: check a copy made off the small disk.
        mkdir -p "$WORK/fullcopy"
        cp "$fdb" "$fdb"-* "$WORK/fullcopy/" 2>/dev/null
        cp "$fdb.key" "$WORK/fullcopy/" 2>/dev/null
        fdb=$WORK/fullcopy/$(basename "$fdb")
        acked=$(cat "$WORK/ack-full.txt" "$WORK/ack-after.txt" | wc -l)
        sqlite3 "$fdb" 'SELECT id FROM cases' | sort >"$WORK/have.txt"
        missing=$(cat "$WORK/ack-full.txt" "$WORK/ack-after.txt" | sort | comm -23 - "$WORK/have.txt" | wc -l)
        [ "$missing" -eq 0 ] || why="$why; $missing of $acked acknowledged writes missing"
        s=$(db_sound "$fdb")
        [ -n "$s" ] && why="$why; $s"
    fi
    if [ -z "$why" ]; then
        ok "full disk: 503 with a message, CLI exit 7, integrity and audit chain sound, writes resume when space is freed"
    else
        bad "full disk: $why"
    fi
    umount "$MNT" 2>/dev/null
    MNT=""
fi

# ---------------------------------------------------------------------------------------------
echo "4. PostgreSQL restarted under load (${PG_LOAD_SECONDS}s of writes)"
if [ -z "$PG_URL" ]; then
    bad "PostgreSQL restart: cannot start PostgreSQL: $(tail -n 2 "$WORK/pg.log")"
else
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    ptoken=$(CTIS_KEY_FILE=$WORK/pg.key make_db "$PG_URL")
    port=$(free_port)
    why=""
    if ! CTIS_KEY_FILE=$WORK/pg.key start_server "$PG_URL" "$port" "$WORK/pg-serve.log"; then
        why="the server does not start on PostgreSQL: $(tail -n 2 "$WORK/pg-serve.log")"
    else
        : >"$WORK/ack-pg.txt"
        WRITE_SECONDS=$PG_LOAD_SECONDS CLIENTS=8 THROUGH_ERRORS=1 TIMEOUT_MS=10000 \
            node tests/faults/writer.mjs "http://127.0.0.1:$port" "$ptoken" "$WORK/ack-pg.txt" >"$WORK/pg-writer.out" 2>&1 &
        wpid=$!
        sleep 2
        t0=$(date +%s%N)
        if [ "$(id -u)" -eq 0 ]; then
            runuser -u postgres -- "$pgbin/pg_ctl" -D "$PG_DIR/pgdata" -m fast -w restart -l "$PG_DIR/postgres.log" \
                -o "-k $PG_DIR/sock -p $(cat "$PG_DIR/port") -c listen_addresses=127.0.0.1 -c fsync=off" >"$WORK/restart.log" 2>&1
        else
            "$pgbin/pg_ctl" -D "$PG_DIR/pgdata" -m fast -w restart -l "$PG_DIR/postgres.log" \
                -o "-k $PG_DIR/sock -p $(cat "$PG_DIR/port") -c listen_addresses=127.0.0.1 -c fsync=off" >"$WORK/restart.log" 2>&1
        fi
        restart_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        wait "$wpid"
        fig "PostgreSQL restart (${restart_ms} ms) under 8 writers for ${PG_LOAD_SECONDS}s, pg_ctl restart 2 s in: $(brief "$WORK/pg-writer.out")"
        node -e '
const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const c of Object.keys(o.statuses)) if (c !== "201" && c !== "503") { console.log("status " + c + ": " + o.bad.join(" | ")); process.exit(1); }
if (o.hangs) { console.log(o.hangs + " requests hung over 10 s"); process.exit(1); }
if (o.errors) { console.log(o.errors + " connection errors"); process.exit(1); }' "$WORK/pg-writer.out" >"$WORK/pg.why" ||
            why="$(cat "$WORK/pg.why")"
        # Recovered without a restart of ctis: writes succeed now.
        writes_go_on "$port" "$ptoken" "$WORK/ack-pg2.txt" "$WORK/pg-after.out" ||
            why="$why; not recovered after the restart: $(cat "$WORK/pg-after.out")"
        fig "PostgreSQL after the restart: $(brief "$WORK/pg-after.out")"
        stop_server
        acked=$(cat "$WORK/ack-pg.txt" "$WORK/ack-pg2.txt" | wc -l)
        psql -Atq "$PG_URL" -c 'SELECT id FROM cases' | sort >"$WORK/have.txt"
        missing=$(cat "$WORK/ack-pg.txt" "$WORK/ack-pg2.txt" | sort | comm -23 - "$WORK/have.txt" | wc -l)
        [ "$missing" -eq 0 ] || why="$why; $missing of $acked acknowledged writes missing"
        CTIS_KEY_FILE=$WORK/pg.key "$CTIS" audit verify --db "$PG_URL" >"$WORK/pgv.out" 2>&1 ||
            why="$why; audit verify: $(tail -n 1 "$WORK/pgv.out")"
    fi
    if [ -z "$why" ]; then
        ok "PostgreSQL restart: requests during the outage fail with 503, none hangs, the server recovers by itself, no acknowledged write lost"
    else
        bad "PostgreSQL restart: $why"
    fi
    bash tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
    PG_DIR=""
fi

# ---------------------------------------------------------------------------------------------
echo "5. restore drill (scripts/restore-drill.sh) on the database of part 1"
if "$CTIS" keys export "$WORK/key.export" --db "$db" <<<"drill passphrase for the faults" >"$WORK/export.out" 2>&1 &&
    CTIS="$CTIS" bash scripts/restore-drill.sh --db "$db" --key-export "$WORK/key.export" \
        <<<"drill passphrase for the faults" >"$WORK/drill.out" 2>&1; then
    if CTIS="$CTIS" bash scripts/restore-drill.sh --db "$db" --key-export "$WORK/key.export" \
        <<<"not the passphrase at all" >"$WORK/drill-bad.out" 2>&1; then
        bad "restore drill: passed with a wrong passphrase"
    else
        ok "restore drill: $(cat "$WORK/drill.out"); a wrong passphrase fails it"
    fi
    fig "restore drill: $(cat "$WORK/drill.out")"
else
    bad "restore drill: $(tail -n 2 "$WORK/export.out" "$WORK/drill.out" 2>/dev/null | tr '\n' ' ')"
fi

# ---------------------------------------------------------------------------------------------
echo "6. failover: a synchronous streaming standby promoted after the primary crashed under load"
# The setup of docs/operations.md ("On PostgreSQL with a standby"): pg_basebackup -R -X stream -C
# -S, synchronous_standby_names; the primary stopped with -m immediate (a crash: no checkpoint,
# no goodbye to the clients) while 8 writers run; the standby promoted; ctis pointed at it with
# the same key file. Every write a client saw acknowledged must be on the standby, the audit chain
# must verify there, and writes must go on.
FO_SECONDS=${FO_SECONDS:-$([ $SHORT = 1 ] && echo 4 || echo 12)}
. tests/pg.sh
FO_PRI=$WORK/fo-primary
FO_SBY=$WORK/fo-standby
fo_bin=$(pg__bindir 2>/dev/null) || fo_bin=""
fo_why=""
fo_up() { # datadir port log [extra -c options]
    local d=$1 port=$2 log=$3
    shift 3
    pg__as_owner "$fo_bin/pg_ctl" -D "$d" -l "$log" -w -t 60 \
        -o "-k '' -p $port -c listen_addresses=127.0.0.1 -c fsync=off $*" start >>"$WORK/fo.log" 2>&1
}
fo_sql() { psql -Atq -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3" 2>>"$WORK/fo.log"; }
if [ -z "$fo_bin" ]; then
    bad "failover: no PostgreSQL server binaries"
else
    mkdir -p "$FO_PRI" "$FO_SBY"
    chmod 700 "$FO_PRI" "$FO_SBY"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$FO_PRI" "$FO_SBY"
    touch "$WORK/fo-primary.log" "$WORK/fo-standby.log"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$WORK/fo-primary.log" "$WORK/fo-standby.log"
    fo_pport=$(free_port)
    fo_sport=$(free_port)
    if ! pg__as_owner "$fo_bin/initdb" -D "$FO_PRI" -A trust -U postgres --no-sync -E UTF8 --locale=C >>"$WORK/fo.log" 2>&1 ||
        ! fo_up "$FO_PRI" "$fo_pport" "$WORK/fo-primary.log"; then
        fo_why="cannot start the primary: $(tail -n 2 "$WORK/fo.log")"
    elif ! fo_sql "$fo_pport" postgres "CREATE DATABASE ctis" >/dev/null; then
        fo_why="createdb failed"
    fi
    FO_URL_P="postgresql://postgres@127.0.0.1:$fo_pport/ctis"
    FO_URL_S="postgresql://postgres@127.0.0.1:$fo_sport/ctis"
    if [ -z "$fo_why" ]; then
        fo_token=$(CTIS_KEY_FILE=$WORK/fo.key make_db "$FO_URL_P")
        [ -n "$fo_token" ] || fo_why="ctis init on the primary failed"
    fi
    if [ -z "$fo_why" ]; then
        if ! pg__as_owner "$fo_bin/pg_basebackup" -h 127.0.0.1 -p "$fo_pport" -U postgres -D "$FO_SBY" -R -X stream -c fast \
            -C -S ctis_standby >>"$WORK/fo.log" 2>&1 || ! fo_up "$FO_SBY" "$fo_sport" "$WORK/fo-standby.log"; then
            fo_why="cannot make or start the standby: $(tail -n 2 "$WORK/fo.log")"
        fi
    fi
    if [ -z "$fo_why" ]; then
        # Synchronous from now on: a commit is acknowledged once the standby has flushed it.
        fo_sql "$fo_pport" postgres "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
        fo_sql "$fo_pport" postgres "SELECT pg_reload_conf()" >/dev/null
        for _ in $(seq 1 100); do
            [ "$(fo_sql "$fo_pport" postgres "SELECT sync_state FROM pg_stat_replication")" = sync ] && break
            sleep 0.1
        done
        [ "$(fo_sql "$fo_pport" postgres "SELECT sync_state FROM pg_stat_replication")" = sync ] ||
            fo_why="the standby did not become synchronous"
    fi
    if [ -z "$fo_why" ]; then
        port=$(free_port)
        if ! CTIS_KEY_FILE=$WORK/fo.key start_server "$FO_URL_P" "$port" "$WORK/fo-serve.log"; then
            fo_why="ctis does not start on the primary: $(tail -n 2 "$WORK/fo-serve.log")"
        else
            : >"$WORK/ack-fo.txt"
            WRITE_SECONDS=$FO_SECONDS CLIENTS=8 THROUGH_ERRORS=1 TIMEOUT_MS=10000 \
                node tests/faults/writer.mjs "http://127.0.0.1:$port" "$fo_token" "$WORK/ack-fo.txt" >"$WORK/fo-writer.out" 2>&1 &
            wpid=$!
            sleep $((FO_SECONDS / 3))
            pg__as_owner "$fo_bin/pg_ctl" -D "$FO_PRI" -m immediate -w stop >>"$WORK/fo.log" 2>&1
            t0=$(date +%s%N)
            pg__as_owner "$fo_bin/pg_ctl" -D "$FO_SBY" -w -t 60 promote >>"$WORK/fo.log" 2>&1 ||
                fo_why="promote failed: $(tail -n 2 "$WORK/fo.log")"
            promote_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
            wait "$wpid"
            stop_server
            fig "failover: 8 writers for ${FO_SECONDS}s on the primary, crashed (pg_ctl -m immediate) $((FO_SECONDS / 3)) s in, standby promoted in ${promote_ms} ms: $(brief "$WORK/fo-writer.out")"
        fi
    fi
    if [ -z "$fo_why" ]; then
        acked=$(wc -l <"$WORK/ack-fo.txt")
        fo_sql "$fo_sport" ctis 'SELECT id FROM cases' | sort >"$WORK/fo-have.txt"
        missing=$(sort "$WORK/ack-fo.txt" | comm -23 - "$WORK/fo-have.txt" | wc -l)
        [ "$acked" -gt 0 ] || fo_why="no write was acknowledged before the crash"
        [ "$missing" -eq 0 ] || fo_why="$fo_why; $missing of $acked acknowledged writes are not on the standby"
        CTIS_KEY_FILE=$WORK/fo.key "$CTIS" audit verify --db "$FO_URL_S" >"$WORK/fo-verify.out" 2>&1 ||
            fo_why="$fo_why; audit verify on the standby: $(tail -n 1 "$WORK/fo-verify.out")"
        # ctis on the promoted standby, the same key file: writes go on.
        port=$(free_port)
        if ! CTIS_KEY_FILE=$WORK/fo.key start_server "$FO_URL_S" "$port" "$WORK/fo-serve2.log"; then
            fo_why="$fo_why; ctis does not start on the promoted standby: $(tail -n 2 "$WORK/fo-serve2.log")"
        else
            writes_go_on "$port" "$fo_token" "$WORK/ack-fo2.txt" "$WORK/fo-after.out" ||
                fo_why="$fo_why; writes on the promoted standby: $(cat "$WORK/fo-after.out")"
            fig "failover: on the promoted standby: $(brief "$WORK/fo-after.out")"
            stop_server
        fi
        fig "failover: $acked writes acknowledged before the crash, $missing missing on the standby"
    fi
    if [ -z "$fo_why" ]; then
        ok "failover: the primary crashed under load, the synchronous standby promoted, all $acked acknowledged writes there, audit chain sound, ctis writes on it"
    else
        bad "failover: $fo_why"
    fi
    pg__as_owner "$fo_bin/pg_ctl" -D "$FO_SBY" -m fast -w stop >/dev/null 2>&1
    pg__as_owner "$fo_bin/pg_ctl" -D "$FO_PRI" -m immediate -w stop >/dev/null 2>&1
fi


fig "result: $PASSED passed, $FAILED failed, $SKIPPED skipped"
echo "figures: $FIG"
echo "$PASSED passed, $FAILED failed$([ "$SKIPPED" -gt 0 ] && echo ", $SKIPPED skipped")"
[ "$FAILED" -eq 0 ]
