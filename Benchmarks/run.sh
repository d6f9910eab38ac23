#!/usr/bin/env bash
# One command for Switchboard's benchmarks: builds in release mode, starts nginx (Debian) on loopback as a sink that
# answers 201 after reading the body, measures the wrk ceiling on that sink with the same 1 KB body, then runs the
# Switchboard measurements and prints one table.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
for tool in nginx wrk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
        "${sudo_cmd[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nginx-light wrk >/dev/null
    fi
done

swift build -c release --product SwitchboardBenchmarks 2>&1 | { grep -E "error:|Build complete" || true; }
bench="$(swift build -c release --show-bin-path)/SwitchboardBenchmarks"

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/body;
    client_body_buffer_size 64k;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        location / { return 201; }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5

body="$(python3 -c 'print("{\"cid\":\"conv-1\",\"pad\":\"" + "x"*1000 + "\"}")')"
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk_rate="$(wrk -t2 -c64 -d8s -s "$work/post.lua" "http://127.0.0.1:$port/v1/external-events/webhook" | awk '/Requests\/sec/ {print $2}')"
echo "wrk ceiling: $wrk_rate requests/s"

bash scripts/build-plugins.sh "$work/plugins" >/dev/null
"$bench" --sink "http://127.0.0.1:$port" --wrk-rate "$wrk_rate" --wasm-module "$work/plugins/acme.wasm" "$@"
