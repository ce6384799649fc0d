# Shared by loadtest/smoke.sh and loadtest/drill.sh: build, start a server, wait for it,
# stop it. Source it from the repository root; every step is bounded in time.

PROFILE=${LOADTEST_PROFILE:-release}
build_timeout=${SMOKE_BUILD_TIMEOUT:-1800}
bin_dir=./target/$([ "$PROFILE" = release ] && echo release || echo debug)
minping=$bin_dir/minping
loadtest=$bin_dir/loadtest

build() {
    local flag=()
    [ "$PROFILE" = release ] && flag=(--release)
    timeout "$build_timeout" cargo build "${flag[@]}" --bin minping
    timeout "$build_timeout" cargo build "${flag[@]}" -p loadtest
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server DIR PORT [extra args…]: `minping demo` on loopback in DIR; sets $server.
start_server() {
    local dir=$1 port=$2
    shift 2
    "$minping" demo --data-dir "$dir" --bind "127.0.0.1:$port" --panel-size "${PANEL_SIZE:-10000}" --load-test "$@" \
        >>"$dir/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do
        kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; tail -n 40 "$dir/server.log"; return 2; }
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
        sleep 0.5
    done
    echo "the server was not ready within 120 s:"
    tail -n 40 "$dir/server.log"
    return 2
}

stop_server() {
    if [ -n "${server:-}" ] && kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    server=
}

# check_last_line FILE: the load generator's verdict line must say nothing was lost.
check_last_line() {
    if ! tail -n 1 "$1" | grep -q 'lost: 0 duplicated: 0$'; then
        echo "the last line is not \`… lost: 0 duplicated: 0\`"
        return 1
    fi
}
