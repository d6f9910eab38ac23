#!/usr/bin/env bash
# Builds Switchboard and runs it on examples/quickstart.yaml: webhooks in on 127.0.0.1:8080, the local sandbox
# (127.0.0.1:9300) as the destination, the embedded SQLite journal. No Kafka and no PolyAI account needed.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --product switchboard
bin="$(swift build --show-bin-path)/switchboard"

"$bin" sandbox --listen 127.0.0.1:9300 --keys examples/sandbox-keys.yaml &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true; wait $sandbox 2>/dev/null || true' EXIT

"$bin" validate --config examples/quickstart.yaml
"$bin" run --config examples/quickstart.yaml
