#!/usr/bin/env bash
# Builds the libFuzzer driver (Fuzz/SwitchboardFuzz, AddressSanitizer on) and runs every fuzz target for
# SECONDS_PER_TARGET seconds (default 20), starting from its seeds (Fuzz/Corpus/<target>/) and regressions
# (Fuzz/Regressions/<target>/). Prints one line per target and exits non-zero when any target crashed, timed out
# (a slow input is a bug too) or ran out of memory.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# New inputs go to Fuzz/Findings/<target>/corpus/ and crashes to Fuzz/Findings/<target>/ (not committed), each
# minimised next to it; once fixed, copy the minimised input to Fuzz/Regressions/<target>/ so the test suite
# replays it (Tests/IntegrationPluginTests/Fuzz/FuzzRegressionTests.swift). Without the sanitizer, e.g. in a
# debugger: `swift run SwitchboardFuzz <target> FILE...`; the seeds are written by `swift run SwitchboardFuzz seeds
# Fuzz/Corpus`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
scratch=.build-fuzz

# SwiftPM's --sanitize links libFuzzer's main; the Swift frontend keeps only one of two separate --sanitize
# values, so the combined flag is passed to it as well. The C dependencies (BoringSSL, libyaml) are not ours:
# they are left uninstrumented, which halves their build time.
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
start=$SECONDS
if ! swift build --scratch-path "$scratch" -c debug --product SwitchboardFuzz \
    --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xcc -fno-sanitize=address,fuzzer \
    -Xswiftc -DSWITCHBOARD_LIBFUZZER \
    >"$build_log" 2>&1; then
    grep -v -e "Cannot export local symbol" -e "^\[[0-9]*/[0-9]*\]" "$build_log" | head -n 80 >&2 || true
    echo "fuzz: build failed" >&2
    exit 1
fi
echo "fuzz: built in $((SECONDS - start))s"
binary="$scratch/debug/SwitchboardFuzz"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=(config xml json form retry-after timestamps codec commit-metadata traceparent wasm-abi mapping stripe hubspot twilio salesforce zendesk)
fi

# Swift's own crash reporter would spend seconds on every crash; leak reports are Swift runtime caches. While
# fuzzing, AddressSanitizer records no allocation stacks (they cost a third of the time); a crash is replayed
# with them afterwards.
export SWIFT_BACKTRACE=enable=no
fast_asan="detect_leaks=0:allocator_may_return_null=1:malloc_context_size=0:quarantine_size_mb=64"
full_asan="detect_leaks=0:allocator_may_return_null=1"

failed=0
for target in "${targets[@]}"; do
    findings="Fuzz/Findings/$target"
    mkdir -p "$findings/corpus"
    seeds=()
    for dir in "Fuzz/Corpus/$target" "Fuzz/Regressions/$target"; do
        [ -d "$dir" ] && seeds+=("$dir")
    done
    log="$findings/last-run.log"
    status=0
    ASAN_OPTIONS="$fast_asan" SWITCHBOARD_FUZZ_TARGET="$target" "$binary" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
        -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$findings/" \
        "$findings/corpus" "${seeds[@]}" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    artifacts=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log")
    crashes=$(printf '%s' "$artifacts" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        echo "fuzz $target: did not run (exit $status), see $log"
        failed=1
        continue
    fi
    echo "fuzz $target: ${runs:-0} runs, $crashes crash$([ "$crashes" -eq 1 ] || echo es)"
    for artifact in $artifacts; do
        failed=1
        # The full report (allocation stacks included), then a smaller input that fails the same way.
        ASAN_OPTIONS="$full_asan" SWITCHBOARD_FUZZ_TARGET="$target" "$binary" -timeout=10 -rss_limit_mb=2048 \
            -detect_leaks=0 "$artifact" >"$artifact.log" 2>&1 || true
        reason=$(cat "$artifact.log" "$log" | grep -m1 -E "^==[0-9]+==ERROR|Fatal error|ERROR: libFuzzer" || true)
        echo "  $artifact: $reason"
        minimized="$findings/minimized-$(basename "$artifact")"
        ASAN_OPTIONS="$fast_asan" SWITCHBOARD_FUZZ_TARGET="$target" "$binary" -minimize_crash=1 -max_total_time=30 \
            -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -exact_artifact_path="$minimized" "$artifact" \
            >"$findings/minimize.log" 2>&1 || true
        [ -f "$minimized" ] && echo "  minimised: $minimized ($(wc -c <"$minimized") bytes); report: $artifact.log"
    done
done
exit "$failed"
