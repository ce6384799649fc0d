#!/usr/bin/env bash
# The load test's smoke run, for CI: builds the server and the load generator, starts
# `minping demo --load-test` in a temporary directory on a free loopback port, runs
# `loadtest --smoke` (a few users for a few seconds, every scenario, checked against the
# database), stops the server, and exits with the smoke's status: 0 only with
# `lost: 0 duplicated: 0`, tallies equal to a recount, and no unexpected answer.
#
#   loadtest/smoke.sh            # embedded profile (SQLite in the temporary directory)
#   DATABASE_URL=postgres://…/a_fresh_db REDIS_URL=redis://… loadtest/smoke.sh   # scaled
#   LOADTEST_PROFILE=debug loadtest/smoke.sh   # reuse the test build (CI): slower, same checks
set -euo pipefail
cd "$(dirname "$0")/.."
. loadtest/lib.sh

build
dir=$(mktemp -d)
trap 'stop_server; rm -rf "$dir"' EXIT
export MINPING_REDIS_PREFIX="smoke$$:"

echo "smoke-pass-123" | timeout 60 "$minping" user add smoke --role monitor --password-stdin --data-dir "$dir" >/dev/null
port=$(free_port)
start_server "$dir" "$port"

status=0
timeout 180 "$loadtest" --smoke --target "http://127.0.0.1:$port" --campaign demo \
    --data-dir "$dir" --invitations "$dir/demo-invitations.csv" --staff smoke:smoke-pass-123 \
    | tee "$dir/smoke.txt" || status=$?
[ "$status" -ne 0 ] || check_last_line "$dir/smoke.txt" || status=1
if [ "$status" -ne 0 ]; then
    echo "smoke: FAILED (status $status); the server's log:"
    tail -n 40 "$dir/server.log"
fi
exit "$status"
