#!/usr/bin/env bash
# The load test's smoke run, for CI: builds the server and the load generator (release),
# starts `minping demo` in a temporary directory on a free loopback port, waits for
# /readyz, runs `loadtest --smoke` (a few users for a few seconds, every scenario the
# server offers, checked against the database), stops the server, and exits with the
# smoke's status: 0 only with `lost: 0 duplicated: 0`, tallies equal to a recount, and no
# unexpected answer.
#
#   loadtest/smoke.sh            # embedded profile (SQLite in the temporary directory)
#   DATABASE_URL=postgres://…/a_fresh_db REDIS_URL=redis://… loadtest/smoke.sh   # scaled
#
# Every step is bounded in time (SMOKE_BUILD_TIMEOUT, default 1800 s for the builds).
set -euo pipefail
cd "$(dirname "$0")/.."

build_timeout=${SMOKE_BUILD_TIMEOUT:-1800}
timeout "$build_timeout" cargo build --release --bin minping
timeout "$build_timeout" cargo build --release -p loadtest

dir=$(mktemp -d)
server=
stop() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap stop EXIT

# Every simulated user comes from 127.0.0.1: lift the per-address limits of the public
# channel, which would otherwise (rightly) refuse most of them.
export MINPING_LIMITS__SUBMITS_PER_ADDRESS_PER_MINUTE=1000000000
export MINPING_LIMITS__CAPTCHAS_PER_ADDRESS_PER_MINUTE=1000000000
export MINPING_LIMITS__OTP_PER_ADDRESS_PER_HOUR=1000000000
export MINPING_LIMITS__SMS_PER_CAMPAIGN_PER_HOUR=1000000000
export MINPING_LIMITS__SMS_GLOBAL_PER_HOUR=1000000000
export MINPING_REDIS_PREFIX="smoke$$:"

minping=./target/release/minping
# A server that can hand captcha answers and SMS codes to a load test runs the public scenario too.
load_test=()
if "$minping" demo --help | grep -q -- '--load-test'; then load_test=(--load-test); fi

echo "smoke-pass-123" | timeout 60 "$minping" user add smoke --role monitor --password-stdin --data-dir "$dir" >/dev/null
"$minping" demo --data-dir "$dir" --bind 127.0.0.1:0 --panel-size 10000 "${load_test[@]}" >"$dir/server.log" 2>&1 &
server=$!

port=
for _ in $(seq 1 240); do
    kill -0 "$server" 2>/dev/null || { echo "smoke: the server stopped:"; cat "$dir/server.log"; exit 2; }
    port=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/server.log" | grep -o 'minping is serving.* port=[0-9]*' | grep -o '[0-9]*$' || true)
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then break; fi
    port=
    sleep 0.5
done
[ -n "$port" ] || { echo "smoke: the server was not ready within 120 s:"; cat "$dir/server.log"; exit 2; }

status=0
timeout 180 ./target/release/loadtest --smoke --target "http://127.0.0.1:$port" --campaign demo \
    --data-dir "$dir" --invitations "$dir/demo-invitations.csv" --staff smoke:smoke-pass-123 \
    | tee "$dir/smoke.txt" || status=$?
if [ "$status" -eq 0 ] && ! tail -n 1 "$dir/smoke.txt" | grep -q 'lost: 0 duplicated: 0$'; then
    echo "smoke: the last line is not \`… lost: 0 duplicated: 0\`"
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "smoke: FAILED (status $status); the server's log:"
    tail -n 40 "$dir/server.log"
fi
exit "$status"
