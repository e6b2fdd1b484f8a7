#!/bin/sh
# check_models.sh BUILD_DIR [--set core|all] [names...]: exports the real-model set into BUILD_DIR/models
# (cached) and runs each model through BUILD_DIR/src/cli/onnxrun, comparing with PyTorch's output; see
# check_models.py. Uses Debian's /usr/bin/python3 (python3-onnx, python3-torch, python3-torchvision): the
# python3 first on PATH may be another interpreter without them. Override with PYTHON=...
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [--set core|all] [--threads N] [names...]" >&2
    exit 2
fi
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-/usr/bin/python3}" "$here/check_models.py" --onnxrun "$build/src/cli/onnxrun" \
    --cache "$build/models" "$@"
