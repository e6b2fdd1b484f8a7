#!/usr/bin/env bash
# test.sh: builds onnxrun twice and runs its tests; exits non-zero if anything fails.
#   1. build-test/  gcc, -Dwerror=true: every meson test suite (unit, fuzz regressions, conformance, models).
#   2. build-asan/  clang, -Dwerror=true -Db_sanitize=address,undefined: the unit suite (which includes the
#                   fuzz regression replays), the cli and models suites, and the conformance tests `pool`
#                   (every pooling backend test) and `runner` (the CLI contract), halting on the first report.
#                   The whole-folder conformance sweeps run only in the first build: under ASan they would
#                   dominate CI time while exercising the same kernels as the unit suites.
#   3. fuzzing:     every libFuzzer target of build-asan/ for FUZZ_SECONDS (default 60) each, seeded from the
#                   bundled models and the ONNX test data (tests/fuzz/run_fuzzers.sh); a crash, leak, hang or
#                   over-allocation fails the run and leaves its input in build-asan/fuzz-artifacts/.
# The last line is "N passed, N failed" (meson tests, summed over all runs) for CI to count.
# Usage: bash scripts/test.sh      env: JOBS=N parallel meson tests (default: number of cores),
#                                       FUZZ_SECONDS=N per fuzz target (default 60; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

JOBS="${JOBS:-$(nproc)}"
total_pass=0
total_fail=0
summary=()

# configure DIR [meson options...]: set up DIR, or re-apply the options when it already holds a build tree.
configure() {
    local dir=$1
    shift
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$dir" "$@" >/dev/null || meson setup --wipe "$dir" "$@"
    else
        rm -rf "$dir"
        meson setup "$dir" "$@"
    fi
}

# sanitizer_reports DIR: prints how many tests meson counted as passing although their output holds a
# sanitizer report. Needed because Criterion runs each test in a worker process whose LeakSanitizer report
# (printed at the worker's exit) does not change the test's result or the executable's exit status.
sanitizer_reports() {
    python3 - "$1/meson-logs/testlog.json" <<'EOF'
import json, re, sys
bad = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|UndefinedBehaviorSanitizer")
n = 0
try:
    f = open(sys.argv[1])
except OSError:
    print(0)
    sys.exit(0)
with f:
    for line in f:
        t = json.loads(line)
        text = (t.get("stdout") or "") + (t.get("stderr") or "")
        if t.get("result") in ("OK", "EXPECTEDFAIL") and bad.search(text):
            print(f"test.sh: sanitizer report in passing test {t['name']}:", file=sys.stderr)
            print("\n".join(l for l in text.splitlines() if bad.search(l) or "SUMMARY" in l), file=sys.stderr)
            n += 1
print(n)
EOF
}

# run_tests LABEL DIR [meson test args...]: runs meson test and adds its counts to the totals. A run that
# fails without meson's summary (build error) or runs no test at all (renamed suite) counts as a failure.
run_tests() {
    local label=$1 dir=$2
    shift 2
    local log rc=0
    log=$(mktemp)
    echo "--- $label"
    meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" "$@" 2>&1 | tee "$log" || rc=$?
    local ok xfail fail xpass timeout
    ok=$(awk '/^Ok:/ {print $2}' "$log")
    xfail=$(awk '/^Expected Fail:/ {print $3}' "$log")
    fail=$(awk '/^Fail:/ {print $2}' "$log")
    xpass=$(awk '/^Unexpected Pass:/ {print $3}' "$log")
    timeout=$(awk '/^Timeout:/ {print $2}' "$log")
    rm -f "$log"
    local pass=$((${ok:-0} + ${xfail:-0}))
    local failed=$((${fail:-0} + ${xpass:-0} + ${timeout:-0}))
    local note=""
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
        note=" (meson test exited with $rc)"
    elif [ $((pass + failed)) -eq 0 ]; then
        failed=1
        note=" (no test matched)"
    fi
    if [ -n "${SANITIZED:-}" ]; then
        local reports
        reports=$(sanitizer_reports "$dir")
        if [ "$reports" -gt 0 ]; then
            pass=$((pass - reports))
            failed=$((failed + reports))
            note="$note ($reports passing test(s) printed sanitizer reports, counted as failed)"
        fi
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + failed))
    summary+=("$label: $pass passed, $failed failed$note")
}

build_failed() {
    total_fail=$((total_fail + 1))
    summary+=("$1: BUILD FAILED")
}

echo "=== gcc, -Werror: build-test/"
if CC=gcc configure build-test -Dwerror=true && ninja -C build-test; then
    run_tests "gcc -Werror, all suites" build-test
else
    build_failed "gcc -Werror"
fi

echo "=== clang, -Werror, ASan+UBSan: build-asan/"
if CC=clang configure build-asan -Dwerror=true -Dbuildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-omit-frame-pointer &&
        ninja -C build-asan; then
    export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:detect_leaks=1"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    export SANITIZED=1
    run_tests "clang ASan+UBSan, suites unit + cli + models" build-asan --timeout-multiplier 4 \
        --suite unit --suite cli --suite models
    run_tests "clang ASan+UBSan, conformance pool + runner" build-asan --timeout-multiplier 4 \
        --suite conformance pool runner
    unset SANITIZED ASAN_OPTIONS UBSAN_OPTIONS
    fuzz_seconds=${FUZZ_SECONDS:-60}
    if [ "$fuzz_seconds" -gt 0 ]; then
        echo "--- fuzzing: every target ${fuzz_seconds}s"
        if bash tests/fuzz/run_fuzzers.sh build-asan "$fuzz_seconds"; then
            total_pass=$((total_pass + 1))
            summary+=("fuzzing, ${fuzz_seconds}s per target: no crash, leak, hang or over-allocation")
        else
            total_fail=$((total_fail + 1))
            summary+=("fuzzing, ${fuzz_seconds}s per target: FAILED (inputs in build-asan/fuzz-artifacts/)")
        fi
    fi
else
    build_failed "clang ASan+UBSan"
fi

echo
echo "=== summary"
for line in "${summary[@]}"; do
    echo "  $line"
done
if [ "$total_fail" -eq 0 ]; then
    echo "ALL TESTS PASSED"
else
    echo "SOME TESTS FAILED"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
