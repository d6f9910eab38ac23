#!/usr/bin/env bash
# Soak: the real switchboard binary through every delivery edge at once, then one summary line.
#   bash scripts/soak.sh [MINUTES]        # default 2; CI runs 1 (scripts/test.sh); e.g. 60 for an hour
# Two instances share a consumer group on `switchboard kafka-mock` (its own process); the sandbox answers with 5xx,
# 429, latency and dropped connections; webhooks and Kafka messages are produced at a steady rate while one instance is
# SIGKILLed and restarted, the other gets SIGTERM under load, the brokers go down and up, and the keys are refused for a
# while then fixed by rotating the key files. Exit 1 on any lost event or order violation (see README "Soak").
#
# Uses the binaries already built (`swift build`, debug); builds them only when missing. Environment:
#   SWITCHBOARD_BIN    the switchboard binary (default: $(swift build --show-bin-path)/switchboard)
#   SOAK_BIN           the soak driver (default: SwitchboardSoak next to SWITCHBOARD_BIN)
#   SWIFT_BUILD_FLAGS  extra flags for swift build, e.g. "--scratch-path .build-other"
#   SOAK_ARGS          extra driver options, e.g. "--webhook-rate 50 --kafka-rate 50" (SwitchboardSoak --help)
#   SOAK_KEEP=1        keep the working directory (configurations, journals, logs) even when the soak passes
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-2}"
# shellcheck disable=SC2086
bin_dir="$(swift build ${SWIFT_BUILD_FLAGS:-} --show-bin-path)"
switchboard="${SWITCHBOARD_BIN:-$bin_dir/switchboard}"
soak="${SOAK_BIN:-$(dirname "$switchboard")/SwitchboardSoak}"
for product in switchboard SwitchboardSoak; do
    path="$switchboard"
    [ "$product" = SwitchboardSoak ] && path="$soak"
    if [ ! -x "$path" ]; then
        echo "soak: $path is missing; building $product"
        # shellcheck disable=SC2086
        swift build ${SWIFT_BUILD_FLAGS:-} --product "$product"
    fi
done
switchboard="$(cd "$(dirname "$switchboard")" && pwd)/$(basename "$switchboard")"

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-soak.XXXXXX")"
driver=""
cleanup() {
    status=$?
    # End exactly the processes the soak started (their ids are in $work/pids), if the driver left any behind.
    if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then kill -TERM "$driver" 2>/dev/null || true; sleep 1; kill -KILL "$driver" 2>/dev/null || true; fi
    if [ -f "$work/pids" ]; then
        while read -r pid; do
            if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "^$switchboard "; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done < "$work/pids"
    fi
    if [ "$status" -eq 0 ] && [ "${SOAK_KEEP:-0}" != 1 ]; then
        rm -rf "$work"
    else
        echo "soak: configurations, journals and logs kept in $work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086
"$soak" --minutes "$minutes" --binary "$switchboard" --work-dir "$work" ${SOAK_ARGS:-} &
driver=$!
wait "$driver"
