#!/usr/bin/env bash
# Fault drills: load a server, break something on purpose in the middle, and check against
# the database that every ballot a client was told was counted is there, once.
#
#   loadtest/drill.sh kill9          # kill -9 a serve instance mid-load, start it again
#   loadtest/drill.sh sqlite-lock    # another process holds SQLite's write lock for 7 s
#   loadtest/drill.sh redis-flush    # scaled: every hot-state key flushed mid-load
#   loadtest/drill.sh postgres-restart   # scaled: PostgreSQL restarted mid-load
#
# The scaled drills need DATABASE_URL (a fresh database) and REDIS_URL; postgres-restart
# restarts the machine's PostgreSQL cluster (pg_ctlcluster), so run it alone. Each prints
# the load generator's verdict, `ballots/s: … lost: 0 duplicated: 0`, and exits non-zero
# otherwise. LOADTEST_PROFILE=debug reuses the test build.
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib.sh

drill=${1:?usage: loadtest/drill.sh kill9|sqlite-lock|redis-flush|postgres-restart}
case "$drill" in
    kill9 | sqlite-lock) ;;
    redis-flush | postgres-restart)
        [ -n "${DATABASE_URL:-}" ] && [ -n "${REDIS_URL:-}" ] || { echo "$drill needs DATABASE_URL and REDIS_URL"; exit 2; } ;;
    *) echo "no drill named $drill"; exit 2 ;;
esac

build
dir=$(mktemp -d)
trap 'stop_server; rm -rf "$dir"' EXIT
export MINPING_REDIS_PREFIX="drill$$:" PANEL_SIZE=${PANEL_SIZE:-40000}
port=$(free_port)
start_server "$dir" "$port"

# Panel ballots from fresh invitations, for long enough to break something in the middle;
# with Redis flushed, also used invitations sent again (the database must still refuse
# them) and the public channel (its codes in flight are lost with the flush: they must
# fail clearly, never count).
mix=ballot=1
[ "$drill" = redis-flush ] && mix=ballot=3,duplicate=1,public=1
"$loadtest" --target "http://127.0.0.1:$port" --campaign demo --users 8 --duration 12s \
    --mix "$mix" --timeout 10 --data-dir "$dir" --invitations "$dir/demo-invitations.csv" \
    >"$dir/load.txt" 2>&1 &
load=$!
sleep 4

case "$drill" in
    kill9)
        echo "drill: kill -9 the server mid-load, then start it again on the same data"
        kill -KILL "$server"
        wait "$server" 2>/dev/null || true
        server=
        sleep 1
        start_server "$dir" "$port"
        ;;
    sqlite-lock)
        # Longer than the server's busy timeout (5 s): commits give up, and the ballots
        # waiting on them are answered 503 with Retry-After, nothing saved.
        lock_secs=${LOCK_SECS:-7}
        echo "drill: another process holds the SQLite write lock for $lock_secs s"
        python3 - "$dir/minping.sqlite3" "$lock_secs" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
PY
        ;;
    redis-flush)
        echo "drill: every hot-state key of this server flushed mid-load"
        redis-cli -u "$REDIS_URL" --scan --pattern "${MINPING_REDIS_PREFIX}*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" DEL >/dev/null
        ;;
    postgres-restart)
        echo "drill: PostgreSQL restarted mid-load"
        cluster=$(ls /etc/postgresql | sort -V | tail -n 1)
        pg_ctlcluster --skip-systemctl-redirect "$cluster" main restart
        ;;
esac

status=0
timeout 120 tail --pid="$load" -f /dev/null || true
wait "$load" || status=$?
cat "$dir/load.txt"
# Answers the clients got while the fault lasted, by kind (503 with Retry-After is the
# expected one; connection errors while a killed server was down).
grep -E '^ *(503|transport|connection)' "$dir/load.txt" || true
[ "$status" -ne 0 ] || check_last_line "$dir/load.txt" || status=1
# The server came through by itself: it still answers and takes a new ballot.
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "drill: the server is not ready after the fault"; status=1; }
echo "drill $drill: $([ "$status" -eq 0 ] && echo passed || echo FAILED)"
exit "$status"
