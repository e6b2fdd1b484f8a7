#!/usr/bin/env bash
# demo.sh: installs what is missing, builds onnxrun in build/ and runs the bundled pooling tutorial models
# (models/tutorial, see models/README.md) with the CLI, printing each feature map before and after pooling,
# drawing them as PNGs in build/demo-viz/, and checking every output against its expected value.
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

# banner LINE...: a heading for the next step.
banner() {
    echo
    echo "=============================================================================================="
    printf '%s\n' "$@"
    echo "=============================================================================================="
}

# show_input FILE: the input image, printed like the CLI prints tensors (numpy comes with setup.sh).
show_input() {
    /usr/bin/python3 -c 'import sys, numpy as np
x = np.load(sys.argv[1])
print(f"input {sys.argv[1]}: {x.dtype} {list(x.shape)}")
for row in x.reshape(x.shape[-2:]):
    print("    " + " ".join(f"{v:g}" for v in row))' "$1"
}

banner "The tutorial model: a 3x3 Conv, Relu, then four pooling nodes; every map is a graph output."
"$ONNXRUN" info "$T/vertical_line/model.onnx"

banner "The 8x8 vertical-line image: a 3x3 vertical-line detector (Conv) answers 3 on the line," \
       "Relu keeps it, and 2x2 average and max pooling both halve the map to rows [0,3,0]."
show_input "$T/vertical_line/input.npy"
"$ONNXRUN" run "$T/vertical_line/model.onnx" -i "$T/vertical_line/input.npy"

banner "The same model on a diagonal line: here average and max pooling differ. Max pooling keeps" \
       "'a line is in this window' (1), average pooling how much of the window the line fills."
show_input "$T/vertical_line/input_diagonal.npy"
"$ONNXRUN" run "$T/vertical_line/model.onnx" -i "$T/vertical_line/input_diagonal.npy"

banner "Padding and ceil_mode on the ramp 1..25: 3x3 stride 2 pads 1 with count_include_pad 0 and 1," \
       "MaxPool with its Indices output, and 2x2 stride 2 with ceil_mode=1 (a third, partial window)."
show_input "$T/pool_padding/input.npy"
"$ONNXRUN" run "$T/pool_padding/model.onnx" -i "$T/pool_padding/input.npy"

banner "Feature maps of the diagonal image as pictures: input and output of every pooling node."
rm -rf build/demo-viz
"$ONNXRUN" viz "$T/vertical_line/model.onnx" -i "$T/vertical_line/input_diagonal.npy" -o build/demo-viz

banner "Every tutorial output checked against the expected values computed by make_tutorial.py"
"$ONNXRUN" test "$T"
