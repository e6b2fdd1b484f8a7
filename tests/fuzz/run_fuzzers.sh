#!/usr/bin/env bash
# run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]: a bounded libFuzzer run of every fuzz target (load,
# tensor_pb, npy, run), SECONDS each, one after the other, for CI and for longer runs by hand.
#
# BUILD_DIR must be a clang build, ideally with sanitizers:
#   CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false
#   ninja -C build-fuzz
# Seeds come from make_corpus.sh (written once to BUILD_DIR/fuzz-corpus/seeds) and from
# tests/fuzz/regressions/<target>; what the fuzzer learns accumulates in BUILD_DIR/fuzz-corpus/<target>,
# so repeated runs go deeper. A crash, leak, timeout or out-of-memory leaves its input in
# BUILD_DIR/fuzz-artifacts/<target>/ and makes the script exit 1: copy that file to
# tests/fuzz/regressions/<target>/ once fixed, and the test suite replays it from then on.
# Extra libFuzzer flags can be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS="-jobs=2 -workers=2").
set -uo pipefail
build=${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(load tensor_pb npy run)

if [ ! -x "$build/tests/fuzz/fuzz_load" ]; then
    echo "run_fuzzers: no fuzz targets in $build (needs CC=clang; see the header of this script)" >&2
    exit 2
fi
corpus=$build/fuzz-corpus
[ -d "$corpus/seeds" ] || "$here/make_corpus.sh" "$corpus/seeds" || exit 2

status=0
for t in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$t
    [ -x "$exe" ] || { echo "run_fuzzers: unknown target $t" >&2; status=2; continue; }
    case $t in
        load|run) max_len=65536; dict=(-dict="$here/onnx.dict") ;;
        tensor_pb) max_len=16384; dict=(-dict="$here/onnx.dict") ;;
        *) max_len=16384; dict=() ;;
    esac
    work=$corpus/$t
    art=$build/fuzz-artifacts/$t
    mkdir -p "$work" "$art"
    echo "=== fuzz_$t: ${secs}s"
    # -timeout: one input taking > 10 s is a hang; -rss_limit_mb: the limits in the targets keep real
    # use far below this, so crossing it is an over-allocation bug. Leak detection is on (ASan builds).
    # shellcheck disable=SC2086
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$exe" "$work" "$corpus/seeds/$t" "$here/regressions/$t" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 -max_len="$max_len" \
        -artifact_prefix="$art/" -print_final_stats=1 "${dict[@]}" ${FUZZ_FLAGS:-} \
        > "$build/fuzz-$t.log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )' "$build/fuzz-$t.log" || true
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t FAILED (exit $rc); log: $build/fuzz-$t.log; inputs:" >&2
        ls -1 "$art" >&2
        grep -m1 -A12 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error' "$build/fuzz-$t.log" >&2
        status=1
    fi
done
exit $status
