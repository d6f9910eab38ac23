#!/usr/bin/env bash
# Runs the whole test suite (installs the Debian packages it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --tests
swift build --build-tests
swift test --skip-build --parallel --num-workers 2
# Every fuzz target for 10 seconds (sanitized build in .build-fuzz); fails on any crash.
bash scripts/fuzz.sh 10
bash scripts/soak.sh 1   # one minute of the soak on the debug build above; fails on any loss or order violation
