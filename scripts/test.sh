#!/usr/bin/env bash
# Runs the whole test suite (installs the Debian packages it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --tests
swift build --build-tests
# The tests log at info level; on a failure the issues are printed again at the end, where a short tail shows them.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! swift test --skip-build --parallel --num-workers 2 2>&1 | tee "$log"; then
    echo
    echo "=== the failing tests' issues ==="
    grep -E '^(✘|↳)' "$log" | grep -v -E '^✘ (Suite|Test run)' | tail -n 80 || true
    exit 1
fi
# Every fuzz target for 10 seconds (sanitized build in .build-fuzz); fails on any crash.
bash scripts/fuzz.sh 10
bash scripts/soak.sh 1   # one minute of the soak on the debug build above; fails on any loss or order violation
