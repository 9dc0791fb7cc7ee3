#!/usr/bin/env bash
# restore-drill.sh: a restore drill, as docs/operations.md describes. Takes an online backup of a
# live database, restores it with the exported key into a scratch SQLite database the way a new
# machine would, and checks it: restore compares every table's count and checksum with the backup,
# and the audit chain of the restored copy verifies under the imported key.
# Nothing is written to the live database except the audit entries of the backup itself.
#
#   scripts/restore-drill.sh --db URL --key-export FILE [--keep DIR]
# The passphrase of the key export is read from standard input (or CTIS_DRILL_PASSPHRASE).
# CTIS names the binary (default: ctis on PATH, else build/ctis). Exit 0 when the drill passed.
set -euo pipefail
db="" export_file="" keep=""
while [ $# -gt 0 ]; do
    case "$1" in
    --db) db=$2; shift 2 ;;
    --key-export) export_file=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: restore-drill.sh --db URL --key-export FILE [--keep DIR]" >&2; exit 2 ;;
    esac
done
[ -n "$db" ] && [ -n "$export_file" ] || { echo "usage: restore-drill.sh --db URL --key-export FILE [--keep DIR]" >&2; exit 2; }
ctis=${CTIS:-$(command -v ctis || echo "$(dirname "$0")/../build/ctis")}
pass=${CTIS_DRILL_PASSPHRASE:-$(cat)}
work=${keep:-$(mktemp -d /tmp/ctis-drill.XXXXXX)}
mkdir -p "$work"
chmod 700 "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
t0=$(date +%s%N)
"$ctis" backup "$work/drill.backup" --db "$db" >"$work/backup.out" 2>&1 || { cat "$work/backup.out" >&2; exit 1; }
"$ctis" keys import "$export_file" --key-file "$work/restored.db.key" <<<"$pass" >"$work/keys.out" 2>&1 ||
    { echo "restore drill: the key export does not open: $(tail -n 1 "$work/keys.out")" >&2; exit 1; }
"$ctis" restore "$work/drill.backup" --db "$work/restored.db" --key-file "$work/restored.db.key" >"$work/restore.out" 2>&1 ||
    { echo "restore drill: restore failed: $(tail -n 1 "$work/restore.out")" >&2; exit 1; }
"$ctis" audit verify --db "$work/restored.db" --key-file "$work/restored.db.key" >"$work/verify.out" 2>&1 ||
    { echo "restore drill: $(tail -n 1 "$work/verify.out")" >&2; exit 1; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "restore drill passed in ${ms} ms: $(tail -n 1 "$work/verify.out"); backup $(stat -c %s "$work/drill.backup") bytes"
