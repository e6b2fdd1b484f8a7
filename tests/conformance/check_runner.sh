#!/bin/sh
# check_runner.sh: checks the CLI contract other tools rely on: `onnxrun test` lines, last line, exit
# status and the expected-failures rules, plus the exit codes of `run` and `info`. Test folders are
# copied from the ONNX test data; a wrong expected output is made by giving MaxPool the output of
# AveragePool over the same input (both (1,3,31,31), values differ).
#
#   check_runner.sh ONNXRUN DATADIR        (exits 77, meson's "skipped", without the test data)
set -eu
onnxrun=$1
data=$2
max=$data/node/test_maxpool_2d_default
avg=$data/node/test_averagepool_2d_default
if [ ! -d "$max" ] || [ ! -d "$avg" ]; then
    echo "no ONNX test data at $data"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect WANT_STATUS PATTERN... -- COMMAND...: runs COMMAND, checks its exit status and that each
# PATTERN (a grep -E regex, '^...$' for whole lines) matches a line of its stdout+stderr.
expect() {
    want=$1
    shift
    pats=
    while [ "$1" != -- ]; do
        pats="$pats$1
"
        shift
    done
    shift
    set +e
    "$@" >"$tmp/out" 2>&1
    got=$?
    set -e
    ok=1
    [ "$got" = "$want" ] || ok=0
    printf '%s' "$pats" | while IFS= read -r p; do
        grep -Eq -- "$p" "$tmp/out" || { echo "  missing: $p"; exit 1; }
    done || ok=0
    if [ $ok = 1 ]; then
        echo "ok: $*"
    else
        echo "NOT OK (exit $got, want $want): $*"
        sed 's/^/  | /' "$tmp/out"
        fails=$((fails + 1))
    fi
}

mkdir "$tmp/good" "$tmp/broken"
cp -r "$max" "$avg" "$tmp/good/"
cp -r "$max" "$tmp/broken/test_wrong"
cp "$avg/test_data_set_0/output_0.pb" "$tmp/broken/test_wrong/test_data_set_0/output_0.pb"
printf '# comment\n\ntest_wrong   gets AveragePool output on purpose\n' >"$tmp/xf_wrong"
printf 'good/test_maxpool_2d_default  listed although it passes\n' >"$tmp/xf_pass"

# PASS lines, folder of folders, last line, status 0
expect 0 '^PASS test_averagepool_2d_default$' '^PASS test_maxpool_2d_default$' '^2 passed, 0 failed, 0 skipped$' \
    -- "$onnxrun" test "$tmp/good"
# a single test folder works as PATH too
expect 0 '^1 passed, 0 failed, 0 skipped$' -- "$onnxrun" test "$tmp/good/test_maxpool_2d_default/"
# a wrong output: FAIL naming data set, output and first index; status 1
expect 1 "^FAIL test_wrong: test_data_set_0: output 0 'y': [0-9]+ of 2883 values differ.*first at \[0,0,0,0\]" \
    '^0 passed, 1 failed, 0 skipped$' -- "$onnxrun" test "$tmp/broken"
# tolerances are honoured (|max - avg| < 10 for this data)
expect 0 '^PASS test_wrong$' -- "$onnxrun" test "$tmp/broken" --atol 10 --rtol=0
# a listed failure is XFAIL, counted as skipped, status 0
expect 0 '^XFAIL test_wrong: .*gets AveragePool output on purpose.*skipped' '^0 passed, 0 failed, 1 skipped$' \
    -- "$onnxrun" test "$tmp/broken" --expected-failures "$tmp/xf_wrong"
# a listed test that passes is a FAIL ("folder/name" entries match too)
expect 1 '^FAIL test_maxpool_2d_default: unexpected pass: remove from the expected-failures list$' \
    '^1 passed, 1 failed, 0 skipped$' -- "$onnxrun" test "$tmp/good" --expected-failures "$tmp/xf_pass"
# --filter
expect 0 '^1 passed, 0 failed, 0 skipped$' -- "$onnxrun" test "$tmp/good" --filter maxpool

# exit codes and error lines
expect 2 '^onnxrun: unknown command' -- "$onnxrun" frobnicate
expect 2 '^onnxrun: .*: not a folder$' -- "$onnxrun" test "$tmp/nope"
expect 5 "^onnxrun: $tmp/nope.txt: cannot open" -- "$onnxrun" test "$tmp/good" --expected-failures "$tmp/nope.txt"
expect 3 "^onnxrun: $tmp/nope.onnx: " -- "$onnxrun" info "$tmp/nope.onnx"
expect 3 "^onnxrun: $tmp/nope.onnx: " -- "$onnxrun" run "$tmp/nope.onnx"
expect 4 "^onnxrun: .*input 'x'.*not given" -- "$onnxrun" run "$max/model.onnx"
expect 4 "no input named 'q'" -- "$onnxrun" run "$max/model.onnx" -i "q=$max/test_data_set_0/input_0.pb"
expect 5 "^onnxrun: $tmp/x.npy: cannot open" -- "$onnxrun" run "$max/model.onnx" -i "x=$tmp/x.npy"
expect 0 '^ir_version: ' '^inputs \(1\):$' '^  x  float\[1,3,32,32\]$' '^ #0 \(MaxPool\) +\[1,3,31,31\] +0 +- +x -> y$' \
    -- "$onnxrun" info "$max/model.onnx"
# run -o writes DIR/<output>.npy (DIR created), printing where; without -o a summary is printed
expect 0 "^y: float \[1,3,31,31\] -> $tmp/o/deep/y.npy$" \
    -- "$onnxrun" run "$max/model.onnx" -i "$max/test_data_set_0/input_0.pb" -o "$tmp/o/deep"
expect 0 '^y: float \[1,3,31,31\]$' '^ +min -?[0-9.]+ +max [0-9.]+ +mean ' \
    -- "$onnxrun" run "$max/model.onnx" -i "x=$max/test_data_set_0/input_0.pb"
# ... and the file is a .npy (numpy's magic)
expect 0 '^0+ +93 +4e +55 +4d +50 +59' -- od -A d -t x1 -N 6 "$tmp/o/deep/y.npy"

echo "$fails check(s) failed"
[ "$fails" = 0 ]
