#!/usr/bin/python3
"""make_pool_cases.py OUTDIR: write the single-op pooling benchmark cases, one folder each:

    OUTDIR/<case>/model.onnx   one node, float32 NCHW input 'x', output 'y', opset 13 (what ORT runs)
    OUTDIR/<case>/x.npy        seeded uniform [-1, 1) input of the case's shape (same file for onnxrun and ORT)
    OUTDIR/cases.tsv           case, op, input shape, output shape, bytes in, bytes out (for the driver)

Deterministic (fixed seed, onnx.helper only), so reruns write identical files. Needs Debian's python3-onnx and
python3-numpy: run with /usr/bin/python3.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = 13
SEED = 1234

# name, op, input shape, attributes
CASES = [
    ('maxpool_k3s2p1_1x64x112x112', 'MaxPool', [1, 64, 112, 112],
     dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    ('maxpool_k2s2_1x64x56x56', 'MaxPool', [1, 64, 56, 56], dict(kernel_shape=[2, 2], strides=[2, 2])),
    ('maxpool_k2s2_32x64x56x56', 'MaxPool', [32, 64, 56, 56], dict(kernel_shape=[2, 2], strides=[2, 2])),
    ('maxpool_k3s2ceil_1x96x111x111', 'MaxPool', [1, 96, 111, 111],
     dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ('avgpool_k3s1p1_1x256x28x28', 'AveragePool', [1, 256, 28, 28],
     dict(kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=0)),
    ('avgpool_k2s2_1x512x28x28', 'AveragePool', [1, 512, 28, 28], dict(kernel_shape=[2, 2], strides=[2, 2])),
    ('globalavgpool_1x2048x7x7', 'GlobalAveragePool', [1, 2048, 7, 7], {}),
    ('globalavgpool_32x2048x7x7', 'GlobalAveragePool', [32, 2048, 7, 7], {}),
    ('globalmaxpool_1x512x14x14', 'GlobalMaxPool', [1, 512, 14, 14], {}),
    # next to nothing to compute: the engines' fixed cost per run (ORT's includes its JS binding)
    ('overhead_globalmaxpool_1x1x1x8', 'GlobalMaxPool', [1, 1, 1, 8], {}),
]


def out_shape(op, shape, a):
    if op.startswith('Global'):
        return shape[:2] + [1] * (len(shape) - 2)
    k, s = a['kernel_shape'], a.get('strides', [1] * len(a['kernel_shape']))
    p = a.get('pads', [0] * (2 * len(k)))
    out = shape[:2]
    for i, n in enumerate(shape[2:]):
        span = n + p[i] + p[i + len(k)] - k[i]
        o = (-(-span // s[i]) if a.get('ceil_mode') else span // s[i]) + 1
        if a.get('ceil_mode') and (o - 1) * s[i] >= n + p[i]:
            o -= 1  # a last window starting in the end padding is dropped (ONNX-POOLING.md §2.1)
        out.append(o)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make_pool_cases.py OUTDIR')
    root = sys.argv[1]
    rng = np.random.default_rng(SEED)
    rows = []
    for name, op, shape, attrs in CASES:
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        oshape = out_shape(op, shape, attrs)
        node = helper.make_node(op, ['x'], ['y'], name=name, **attrs)
        graph = helper.make_graph([node], name,
                                  [helper.make_tensor_value_info('x', TensorProto.FLOAT, shape)],
                                  [helper.make_tensor_value_info('y', TensorProto.FLOAT, oshape)])
        model = helper.make_model(graph, producer_name='onnxrun-bench',
                                  opset_imports=[helper.make_opsetid('', OPSET)])
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(d, 'model.onnx'))
        x = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
        np.save(os.path.join(d, 'x.npy'), x)
        rows.append((name, op, 'x'.join(map(str, shape)), 'x'.join(map(str, oshape)),
                     str(x.nbytes), str(int(np.prod(oshape)) * 4)))
    with open(os.path.join(root, 'cases.tsv'), 'w') as f:
        f.write('case\top\tin_shape\tout_shape\tbytes_in\tbytes_out\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')


if __name__ == '__main__':
    main()
