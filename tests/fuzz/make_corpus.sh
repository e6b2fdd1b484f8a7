#!/usr/bin/env bash
# make_corpus.sh OUT_DIR: writes the fuzzers' seed corpora, one folder per target:
#   OUT_DIR/load, OUT_DIR/run   the bundled models (models/**/model.onnx) and a selection of ONNX node test
#                               models (pool, conv, elementwise, shape ops) from libonnx-testdata
#   OUT_DIR/tensor_pb           their input_K.pb / output_K.pb (up to 64 KiB each)
#   OUT_DIR/npy                 the bundled .npy files, plus .npy variants numpy writes (every dtype, big-endian,
#                               Fortran order, 0-d, empty, version 2.0) when /usr/bin/python3 has numpy
# Files are named by content hash, so rerunning it is idempotent.
set -euo pipefail
out=${1:?usage: make_corpus.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
testdata=${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
mkdir -p "$out"/{load,run,tensor_pb,npy}

put() { # put TARGET FILE...
    local t=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        cp "$f" "$out/$t/$(sha1sum "$f" | cut -c1-16)"
    done
}

while IFS= read -r -d '' f; do put load "$f"; put run "$f"; done \
    < <(find "$root/models" -name '*.onnx' -print0)
while IFS= read -r -d '' f; do put tensor_pb "$f"; done < <(find "$root/models" -name '*.pb' -size -64k -print0)
while IFS= read -r -d '' f; do put npy "$f"; done < <(find "$root/models" -name '*.npy' -size -64k -print0)

# ONNX node tests of the ops onnxrun targets first (pooling, conv, elementwise, shape manipulation).
pattern='pool|conv|^test_(add|sub|mul|div|relu|leakyrelu|sigmoid|tanh|clip|abs|neg|exp|log|sqrt|pow|'
pattern+='max|min|sum|mean|gemm|matmul|flatten|reshape|transpose|concat|squeeze|unsqueeze|shape|size|'
pattern+='gather|slice|pad|expand|identity|constant|cast|softmax|batchnorm|dropout|split|tile|where|equal|'
pattern+='greater|less|not|and|or|reduce_(max|min|mean|sum)|argmax|argmin|lrn|instancenorm|upsample|resize)'
if [ -d "$testdata/node" ]; then
    for d in "$testdata"/node/*/; do
        name=$(basename "$d")
        [[ $name =~ $pattern ]] || continue
        [ "$(stat -c %s "$d/model.onnx" 2>/dev/null || echo 1000000)" -le 65536 ] || continue
        put load "$d/model.onnx"
        put run "$d/model.onnx"
        while IFS= read -r -d '' f; do put tensor_pb "$f"; done < <(find "$d" -name '*.pb' -size -64k -print0)
    done
fi

if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
    /usr/bin/python3 - "$out/npy" <<'PY'
import io, hashlib, os, sys
import numpy as np
out = sys.argv[1]
def put(a, version=None):
    b = io.BytesIO()
    if version:
        np.lib.format.write_array(b, a, version=version)
    else:
        np.save(b, a)
    data = b.getvalue()
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)
base = np.arange(24).reshape(2, 3, 4)
for dt in ["?", "i1", "u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8", ">i4", ">f4", ">f8", ">u2"]:
    put(base.astype(dt))
put(np.asfortranarray(base.astype("<f4")))
put(np.asfortranarray(base.astype(">i8")))
put(np.float32(3.5).reshape(()))
put(np.zeros((0, 3), dtype="<f4"))
put(np.arange(5, dtype="<i8"), version=(2, 0))
put(np.arange(8, dtype="<f4").reshape(1, 1, 1, 1, 1, 1, 1, 8))
PY
fi
for t in load run tensor_pb npy; do
    echo "$t: $(find "$out/$t" -type f | wc -l) seeds"
done
