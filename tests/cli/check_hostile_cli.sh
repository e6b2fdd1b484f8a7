#!/bin/sh
# check_hostile_cli.sh ONNXRUN HOSTILE_TEST_EXE SOURCE_DIR: `onnxrun run` on hostile and broken model files
# exits non-zero (3: could not be loaded, 4: could not be run) with exactly one line on stderr, of the form
# `onnxrun: <file>: <message>`, and never crashes (a signal would show as a status above 128).
# The models are the failing cases of tests/unit/test_hostile_models.c (its table, written out through
# ONR_HOSTILE_DUMP), plus files damaged here: empty, garbage, a folder, and the tutorial model truncated at
# several lengths. The tutorial model with one byte set to 0xff may still be a valid model (the byte can land
# in a name or a weight): those must exit 0, 3 or 4, and one line on stderr when they fail. Prints one line per check and `N passed, N failed` last.
set -eu
onnxrun=$1
hostile=$2
src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/models" "$tmp/out"
passed=0
failed=0

ONR_HOSTILE_DUMP=$tmp/models "$hostile" --jobs 1 --filter 'hostile/*' >"$tmp/unit.log" 2>&1 || {
    echo "NOT OK: $hostile failed while writing the hostile models:"
    tail -n 20 "$tmp/unit.log"
    exit 1
}

# damaged files
: >"$tmp/models/empty.onnx"
printf 'this is not a protobuf\n\377\377\377\377' >"$tmp/models/garbage.onnx"
mkdir "$tmp/models/a_folder.onnx"
tut=$src/models/tutorial/vertical_line/model.onnx
size=$(wc -c <"$tut")
for n in 1 7 32 $((size / 3)) $((size / 2)) $((size - 9)) $((size - 1)); do
    head -c "$n" "$tut" >"$tmp/models/tutorial_truncated_$n.onnx"
done
for off in 3 17 40 90; do
    # one byte set to 0xff: a varint or length prefix that lies
    { head -c "$off" "$tut"; printf '\377'; tail -c +$((off + 2)) "$tut"; } >"$tmp/models/tutorial_byte_${off}_ff.onnx"
done

count=$(find "$tmp/models" -name '*.onnx' | wc -l)
if [ "$count" -lt 100 ]; then
    echo "NOT OK: only $count hostile models were written (expected the table's 100 or more)"
    failed=$((failed + 1))
fi

for f in "$tmp/models"/*.onnx; do
    name=$(basename "$f")
    rc=0
    "$onnxrun" run "$f" --random 0 -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" </dev/null || rc=$?
    lines=$(wc -l <"$tmp/stderr")
    if [ "$rc" -eq 0 ] && [ "${name#tutorial_byte_}" != "$name" ]; then
        echo "ok: $name -> 0: still a valid model"
        passed=$((passed + 1))
    elif [ "$rc" -ne 3 ] && [ "$rc" -ne 4 ]; then
        echo "NOT OK: $name: exit status $rc (want 3 or 4); stderr: $(head -c 300 "$tmp/stderr")"
        failed=$((failed + 1))
    elif [ "$lines" -ne 1 ]; then
        echo "NOT OK: $name: $lines lines on stderr (want 1):"
        head -n 5 "$tmp/stderr"
        failed=$((failed + 1))
    elif ! grep -q "^onnxrun: $f: ." "$tmp/stderr"; then
        echo "NOT OK: $name: stderr is not 'onnxrun: FILE: message': $(cat "$tmp/stderr")"
        failed=$((failed + 1))
    else
        echo "ok: $name -> $rc: $(cut -c 1-160 "$tmp/stderr" | sed "s|^onnxrun: $f: ||")"
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
