#!/usr/bin/env bash
# setup.sh: installs every Debian 12 package that building, testing and regenerating the models of onnxrun
# needs. This list is the one place that names them. Idempotent: when dpkg reports all of them installed it
# returns at once without touching apt. Runs apt as root, or through sudo when started as a normal user.
set -euo pipefail

# build: compiler driver, meson + ninja, protobuf-c runtime and protoc-c, onnx.proto (from libonnx-dev),
# stb (libstb-dev: image decode/resize/PNG encode for the CLI's `run -i photo.png` and `viz`), the pthreads
# OpenBLAS (libopenblas-pthread-dev: the GEMM behind Conv/Gemm/MatMul, 2.6x faster than the portable kernel
# on resnet18 here, and safe to call from several threads at once, which the serial build is not; meson
# -Dblas=none builds without it)
BUILD_PKGS=(gcc meson ninja-build pkg-config libprotobuf-c-dev protobuf-c-compiler libonnx-dev libstb-dev
            libopenblas-pthread-dev)
# test: Criterion, the ONNX backend test data, clang with its sanitizer and libFuzzer runtimes (ASan + UBSan
# build, fuzz targets), valgrind (memcheck of the CLI over the pooling conformance tests), the serial
# OpenBLAS runtime (the GEMM and Conv suites run once more against it: its calls must take turns)
TEST_PKGS=(libcriterion-dev libonnx-testdata clang libclang-rt-14-dev valgrind libopenblas0-serial)
# models: regenerate the bundled models (models/*/make_*.py) and run the real-model tests (tests/models:
# the torchvision suite exports torchvision classifiers and compares with PyTorch's output). All scripts
# run with Debian's /usr/bin/python3.
MODEL_PKGS=(python3 python3-onnx python3-numpy python3-torch python3-torchvision)

PKGS=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${MODEL_PKGS[@]}")

missing=()
for p in "${PKGS[@]}"; do
    # Status "install ok installed" is the only state in which the package's files are all present.
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#PKGS[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "setup: missing packages (${missing[*]}) and not root, and sudo is not installed" >&2
    exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
# No recommends: everything needed is listed above, and clang's recommends pull in a full llvm-dev.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PKGS[@]}"
echo "setup: done"
