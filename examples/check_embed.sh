#!/bin/sh
# check_embed.sh EMBED MODEL_DIR: runs the embedding example on the tutorial model (vertical_line: an 8x8
# image with a two-pixel vertical line) and compares all it prints with the hand-worked values of
# models/README.md: every row of the Conv/Relu map is 0 0 3 3 0 0, both 2x2 pools give rows 0 3 0,
# GlobalMaxPool 3, GlobalAveragePool 36/36 = 1. A bad command line must fail with a message.
set -eu
embed=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/want" <<'WANT'
input image: float, rank 4
output conv_out: float [1,1,6,6] 0 0 3 3 0 0 0 0 3
output relu_out: float [1,1,6,6] 0 0 3 3 0 0 0 0 3
output avgpool_out: float [1,1,3,3] 0 3 0 0 3 0 0 3 0
output maxpool_out: float [1,1,3,3] 0 3 0 0 3 0 0 3 0
output globalmax_out: float [1,1,1,1] 3
output globalavg_out: float [1,1,1,1] 1
WANT
"$embed" "$dir/model.onnx" "$dir/input.npy" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
# errors: status 1 and the library's message on stderr
if "$embed" "$dir/nope.onnx" 2>"$tmp/err"; then
    echo "embed succeeded on a missing model"
    exit 1
fi
grep -q 'nope.onnx' "$tmp/err" || { echo "no message naming the file:"; cat "$tmp/err"; exit 1; }
if "$embed" "$dir/model.onnx" 2>"$tmp/err" >/dev/null; then
    echo "embed succeeded without an input file"
    exit 1
fi
grep -q 'input file is missing' "$tmp/err" || { echo "no message about the missing input:"; cat "$tmp/err"; exit 1; }
echo "embed: all lines as expected"
