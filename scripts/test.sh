#!/usr/bin/env bash
# test.sh: builds onnxrun twice and runs its tests; exits non-zero if anything fails.
#   1. build-test/  gcc, -Dwerror=true, every meson test suite (unit, conformance, models, ...).
#   2. build-asan/  clang, -Db_sanitize=address,undefined, the unit-level suites, the pooling conformance
#                   suite and the models suite under ASan+UBSan (halt on the first report).
# The last line is "N passed, N failed", summed over both meson runs, for CI to count.
# Usage: bash scripts/test.sh        (env: JOBS=N to limit parallel tests, default: all cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

# Sanitizer-run suites: everything that is not a whole-suite conformance sweep, plus the pooling sweep.
# (The full ONNX node suite under ASan would dominate CI time for little extra coverage of our code.)
ASAN_SUITE_RE='^(unit|ops|api|io|graph|models|cli)$|pool'

# meson test's own parallelism; CI has 2 cores.
JOBS="${JOBS:-$(nproc)}"

total_pass=0
total_fail=0
summary=()

# configure DIR [meson options...]: set up DIR, or re-apply the options if it already holds a build tree.
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

# suites DIR REGEX: the suite names (without the project prefix) defined in DIR that match REGEX.
suites() {
    meson introspect --tests "$1" | python3 -c '
import json, re, sys
names = {s.split(":")[-1] for t in json.load(sys.stdin) for s in t["suite"]}
print(" ".join(sorted(n for n in names if re.search(sys.argv[1], n))))' "$2"
}

# run_tests LABEL DIR [meson test args...]: runs meson test, adds its counts to the totals.
run_tests() {
    local label=$1 dir=$2
    shift 2
    local log rc=0
    log=$(mktemp)
    meson test -C "$dir" --print-errorlogs --num-processes "$JOBS" "$@" 2>&1 | tee "$log" || rc=$?
    local ok xfail fail xpass timeout
    ok=$(awk '/^Ok:/ {print $2}' "$log")
    xfail=$(awk '/^Expected Fail:/ {print $3}' "$log")
    fail=$(awk '/^Fail:/ {print $2}' "$log")
    xpass=$(awk '/^Unexpected Pass:/ {print $3}' "$log")
    timeout=$(awk '/^Timeout:/ {print $2}' "$log")
    rm -f "$log"
    local pass=$(( ${ok:-0} + ${xfail:-0} ))
    local failed=$(( ${fail:-0} + ${xpass:-0} + ${timeout:-0} ))
    # meson failing without a summary (no tests built, setup error) must still count as a failure.
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + failed))
    summary+=("$label: $pass passed, $failed failed")
}

# sanitizer_reports DIR: Criterion runs each test in a worker whose LeakSanitizer report does not change the
# test's result, so passing tests are re-checked for sanitizer reports in meson's JSON log.
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
            print(f"sanitizer report in passing test {t['name']}:", file=sys.stderr)
            print("\n".join(l for l in text.splitlines() if bad.search(l) or "SUMMARY" in l), file=sys.stderr)
            n += 1
print(n)
EOF
}

build_failed() {
    total_fail=$((total_fail + 1))
    summary+=("$1: BUILD FAILED")
}

echo "=== gcc -Werror build: build-test/"
if CC=gcc configure build-test -Dwerror=true -Dbuildtype=release && ninja -C build-test; then
    run_tests "gcc, all suites" build-test
else
    build_failed "gcc -Werror build"
fi

echo "=== clang ASan+UBSan build: build-asan/"
export ASAN_OPTIONS="halt_on_error=1:print_stacktrace=1:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
if CC=clang configure build-asan -Dwerror=true -Dbuildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-omit-frame-pointer && ninja -C build-asan; then
    asan_suites=$(suites build-asan "$ASAN_SUITE_RE")
    suite_args=()
    for s in $asan_suites; do
        suite_args+=(--suite "$s")
    done
    if [ ${#suite_args[@]} -eq 0 ]; then
        build_failed "asan: no suites matched $ASAN_SUITE_RE"
    else
        run_tests "clang ASan+UBSan, suites: $asan_suites" build-asan \
            --timeout-multiplier 4 "${suite_args[@]}"
        reports=$(sanitizer_reports build-asan)
        if [ "$reports" -gt 0 ]; then
            total_fail=$((total_fail + reports))
            total_pass=$((total_pass - reports))
            summary+=("asan: $reports passing test(s) printed sanitizer reports, counted as failed")
        fi
    fi
else
    build_failed "clang ASan+UBSan build"
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
