#!/usr/bin/env bash
# demo.sh: installs what is missing, builds onnxrun in build/ and runs the bundled pooling tutorial models
# (models/tutorial, see models/README.md) with the CLI, printing each feature map before and after pooling.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

if [ ! -f build/meson-private/coredata.dat ]; then
    rm -rf build
    meson setup build
fi
ninja -C build

ONNXRUN=build/src/cli/onnxrun
T=models/tutorial

banner() {
    echo
    echo "=============================================================================================="
    echo "$@"
    echo "=============================================================================================="
}

banner "The 8x8 vertical-line image (input.npy): a 3x3 vertical-line detector (Conv) answers 3 on the" \
       $'\n'"line; Relu keeps it; 2x2 average and max pooling both halve the map to rows [0,3,0]."
"$ONNXRUN" run "$T/vertical_line/model.onnx" -i "$T/vertical_line/input.npy"

banner "The same model on a diagonal line (input_diagonal.npy): here average and max pooling differ." \
       $'\n'"Max pooling keeps 'a line is in this window' (1), average pooling how much of it the line fills."
"$ONNXRUN" run "$T/vertical_line/model.onnx" -i "$T/vertical_line/input_diagonal.npy"

banner "Padding and ceil_mode on the ramp 1..25: count_include_pad 0 vs 1, MaxPool Indices, ceil_mode=1."
"$ONNXRUN" run "$T/pool_padding/model.onnx" -i "$T/pool_padding/input.npy"

banner "Every tutorial output checked against the expected values computed by make_tutorial.py"
"$ONNXRUN" test "$T"
