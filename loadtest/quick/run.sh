#!/usr/bin/env bash
# A quick first figure of ballots per second with wrk (Debian package `wrk`): starts
# `minping demo` with a large panel, submits complete 60-unit ballots from distinct
# invitations, and prints wrk's figures. The full load generator and its verification
# against the database are the subject of the load-test work (loadtest/ crate).
#
#   loadtest/quick/run.sh [embedded|scaled] [connections] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
profile=${1:-embedded}; connections=${2:-64}; seconds=${3:-10}
dir=$(mktemp -d); port=18999
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release -q
if [ "$profile" = scaled ]; then
    db="minping_quick_$$"
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" REDIS_URL=redis://127.0.0.1:6379
    export MINPING_REDIS_PREFIX="quick$$:"
fi
./target/release/minping demo --data-dir "$dir" --bind 127.0.0.1:$port --panel-size 300000 > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; [ -n "${db:-}" ] && psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db WITH (FORCE)"; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/api/v1/campaigns/demo" | python3 -c '
import json, sys
c = json.load(sys.stdin)
ratings = {u["code"]: "satisfied" for cat in c["categories"] for u in cat["units"]}
print(json.dumps({"invitation": "__TOKEN__", "ratings": ratings}, ensure_ascii=False))' > "$dir/template.json"
threads=2
wrk -t$threads -c"$connections" -d"${seconds}s" --latency -s loadtest/quick/ballots.lua \
    "http://127.0.0.1:$port/api/v1/campaigns/demo/ballots" -- "$dir/template.json" "$dir/demo-invitations.csv" $threads
echo "ballots stored: $(curl -s "http://127.0.0.1:$port/metrics" | awk '/^minping_ballots_accepted_total/ {print $2}')"
