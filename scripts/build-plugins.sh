#!/usr/bin/env bash
# Builds the example Wasm plugin (examples/plugins/acme-crm/acme.c) to OUT_DIR/acme.wasm, and with --fixtures
# also every Tests/Fixtures/wasm/*.c to OUT_DIR/<name>.wasm plus echo-v2.wasm (echo.c with -DVERSION=2).
#
#   scripts/build-plugins.sh [--fixtures] [OUT_DIR]      (OUT_DIR defaults to build/plugins in the repository)
#
# Needs a clang that targets wasm32 and has wasm-ld: ${CLANG} if set, else the Swift toolchain's
# /opt/swift/usr/bin/clang, else clang on PATH. No libc and no WASI: the modules are freestanding.
set -euo pipefail

fixtures=0
out_dir=""
for arg in "$@"; do
    case "$arg" in
        --fixtures) fixtures=1 ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-plugins: unknown option $arg" >&2; exit 2 ;;
        *)
            if [[ -n "$out_dir" ]]; then echo "build-plugins: only one OUT_DIR, got '$out_dir' and '$arg'" >&2; exit 2; fi
            out_dir="$arg"
            ;;
    esac
done
# OUT_DIR is relative to where the script was started; the default, to the repository.
if [[ -n "$out_dir" && "$out_dir" != /* ]]; then out_dir="$PWD/$out_dir"; fi
cd "$(dirname "$0")/.."
out_dir="${out_dir:-build/plugins}"

if [[ -n "${CLANG:-}" ]]; then
    clang="$CLANG"
elif [[ -x /opt/swift/usr/bin/clang ]]; then
    clang=/opt/swift/usr/bin/clang
elif command -v clang >/dev/null 2>&1; then
    clang="$(command -v clang)"
else
    echo "build-plugins: no clang found (set CLANG=/path/to/clang)" >&2
    exit 1
fi

# Freestanding wasm32: no libc, no entry point; each sb_* function carries export_name, memory is exported by
# default. --stack-first puts the stack below static data, so an overflow traps instead of overwriting data.
flags=(--target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--stack-first)

# A clear error when this clang cannot build for wasm32 (no WebAssembly backend, or no wasm-ld).
probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
printf '__attribute__((export_name("probe"))) int probe(void) { return 1; }\n' > "$probe_dir/probe.c"
if ! "$clang" "${flags[@]}" -o "$probe_dir/probe.wasm" "$probe_dir/probe.c" 2> "$probe_dir/err"; then
    echo "build-plugins: $clang cannot build wasm32 modules (it needs the WebAssembly target and wasm-ld):" >&2
    sed 's/^/  /' "$probe_dir/err" >&2
    exit 1
fi

mkdir -p "$out_dir"

build() { # build OUTPUT SOURCE [EXTRA_FLAGS...]
    local output="$1" source="$2"
    shift 2
    echo "$clang ${flags[*]}${*:+ $*} -o $output $source"
    "$clang" "${flags[@]}" "$@" -o "$output" "$source"
}

build "$out_dir/acme.wasm" examples/plugins/acme-crm/acme.c

if (( fixtures )); then
    shopt -s nullglob
    sources=(Tests/Fixtures/wasm/*.c)
    if (( ${#sources[@]} == 0 )); then echo "build-plugins: no Tests/Fixtures/wasm/*.c" >&2; exit 1; fi
    for source in "${sources[@]}"; do
        name="$(basename "$source" .c)"
        build "$out_dir/$name.wasm" "$source"
    done
    build "$out_dir/echo-v2.wasm" Tests/Fixtures/wasm/echo.c -DVERSION=2
fi
