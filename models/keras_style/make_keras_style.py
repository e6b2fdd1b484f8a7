#!/usr/bin/python3
"""Build a small CNN shaped the way tf2onnx writes a Keras model, with a reference output computed
independently in plain numpy loops, in the ONNX backend-test layout:

    OUTDIR/model.onnx, OUTDIR/test_data_set_0/input_0.pb, OUTDIR/test_data_set_0/output_0.pb

Usage: make_keras_style.py [OUTDIR]     (default: the folder of this script)

What tf2onnx does that a PyTorch export does not, and so what this model pins:
  - the graph input is NHWC (Keras channels_last) with a symbolic batch dim ("unk__0"), and a Transpose
    perm=[0,3,1,2] moves it to NCHW before the first Conv;
  - padding='same' becomes auto_pad=SAME_UPPER on Conv and MaxPool (here with an even input and stride 2, so the
    one pad goes at the end only: ONNX-POOLING.md section 2.2), padding='valid' becomes auto_pad=VALID;
  - GlobalAveragePooling2D is GlobalAveragePool followed by a Transpose back to NHWC and a Reshape to (N, C)
    through a shape initializer [-1, C];
  - Dense is MatMul + Add (not Gemm), and the Softmax is opset-13 Softmax on the last axis.

Graph (batch 2 in the test data):
  input_1 (N,10,10,3) -Transpose-> (N,3,10,10) -Conv 8x3x3x3 SAME_UPPER +b-> (N,8,10,10) -Relu-
  -MaxPool k3 s2 SAME_UPPER-> (N,8,5,5) -Conv 16x8x3x3 VALID +b-> (N,16,3,3) -Relu-
  -MaxPool k2 s1 VALID-> (N,16,2,2) -GlobalAveragePool-> (N,16,1,1) -Transpose [0,2,3,1]-> (N,1,1,16)
  -Reshape [-1,16]-> (N,16) -MatMul 16x10-> -Add 10-> -Softmax axis=-1-> dense (N,10)

The numpy reference below does not use the ONNX helpers' semantics for anything but serialization: the SAME
padding, the windows and the reductions are written out as loops.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SEED = 1234


def same_upper_pads(n, k, s):
    """ONNX auto_pad SAME_UPPER (ONNX-POOLING.md 2.2): out = ceil(n/s), extra pad at the end."""
    out = -(-n // s)
    total = max(0, (out - 1) * s + k - n)
    return out, total // 2, total - total // 2


def conv_ref(x, w, b, pad_begin, pad_end):
    """x (N,C,H,W), w (M,C,kh,kw), stride 1, zero padding; plain loops."""
    n_, c_, h, wd = x.shape
    m_, _, kh, kw = w.shape
    ho = h + pad_begin[0] + pad_end[0] - kh + 1
    wo = wd + pad_begin[1] + pad_end[1] - kw + 1
    y = np.zeros((n_, m_, ho, wo), dtype=np.float64)
    for n in range(n_):
        for m in range(m_):
            for oh in range(ho):
                for ow in range(wo):
                    acc = float(b[m])
                    for c in range(c_):
                        for i in range(kh):
                            for j in range(kw):
                                ih = oh + i - pad_begin[0]
                                iw = ow + j - pad_begin[1]
                                if 0 <= ih < h and 0 <= iw < wd:
                                    acc += float(x[n, c, ih, iw]) * float(w[m, c, i, j])
                    y[n, m, oh, ow] = acc
    return y


def maxpool_ref(x, k, s, pad_begin, pad_end):
    """Padding never wins a max: only taps inside the input are looked at."""
    n_, c_, h, wd = x.shape
    ho = (h + pad_begin[0] + pad_end[0] - k) // s + 1
    wo = (wd + pad_begin[1] + pad_end[1] - k) // s + 1
    y = np.zeros((n_, c_, ho, wo), dtype=np.float64)
    for n in range(n_):
        for c in range(c_):
            for oh in range(ho):
                for ow in range(wo):
                    best = -np.inf
                    for i in range(k):
                        for j in range(k):
                            ih = oh * s + i - pad_begin[0]
                            iw = ow * s + j - pad_begin[1]
                            if 0 <= ih < h and 0 <= iw < wd:
                                best = max(best, float(x[n, c, ih, iw]))
                    y[n, c, oh, ow] = best
    return y


def reference(x_nhwc, w1, b1, w2, b2, wd, bd):
    n_, h, w, c = x_nhwc.shape
    x = np.zeros((n_, c, h, w), dtype=np.float64)
    for n in range(n_):
        for ci in range(c):
            for i in range(h):
                for j in range(w):
                    x[n, ci, i, j] = x_nhwc[n, i, j, ci]
    _, pb, pe = same_upper_pads(h, 3, 1)
    y = conv_ref(x, w1, b1, (pb, pb), (pe, pe))
    y = np.where(y > 0, y, 0.0)
    _, pb, pe = same_upper_pads(y.shape[2], 3, 2)
    assert (pb, pe) == (0, 1), 'the test wants an asymmetric SAME_UPPER pad'
    y = maxpool_ref(y, 3, 2, (pb, pb), (pe, pe))
    y = conv_ref(y, w2, b2, (0, 0), (0, 0))
    y = np.where(y > 0, y, 0.0)
    y = maxpool_ref(y, 2, 1, (0, 0), (0, 0))
    n_, c_, h, w = y.shape
    feat = np.zeros((n_, c_), dtype=np.float64)
    for n in range(n_):
        for ci in range(c_):
            feat[n, ci] = sum(y[n, ci, i, j] for i in range(h) for j in range(w)) / (h * w)
    out = np.zeros((n_, wd.shape[1]), dtype=np.float64)
    for n in range(n_):
        logits = [sum(feat[n, ci] * wd[ci, o] for ci in range(c_)) + bd[o] for o in range(wd.shape[1])]
        top = max(logits)
        e = [np.exp(v - top) for v in logits]
        out[n] = [v / sum(e) for v in e]
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(SEED)
    w1 = (rng.standard_normal((8, 3, 3, 3)) * 0.4).astype(np.float32)
    b1 = (rng.standard_normal(8) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((16, 8, 3, 3)) * 0.2).astype(np.float32)
    b2 = (rng.standard_normal(16) * 0.1).astype(np.float32)
    wd = (rng.standard_normal((16, 10)) * 0.15).astype(np.float32)
    bd = (rng.standard_normal(10) * 0.1).astype(np.float32)
    x = rng.standard_normal((2, 10, 10, 3)).astype(np.float32)

    # Names and node layout after tf2onnx's output for a Functional Keras model.
    init = [numpy_helper.from_array(w1, 'model/conv2d/Conv2D/ReadVariableOp:0'),
            numpy_helper.from_array(b1, 'model/conv2d/BiasAdd/ReadVariableOp:0'),
            numpy_helper.from_array(w2, 'model/conv2d_1/Conv2D/ReadVariableOp:0'),
            numpy_helper.from_array(b2, 'model/conv2d_1/BiasAdd/ReadVariableOp:0'),
            numpy_helper.from_array(np.array([-1, 16], dtype=np.int64), 'const_fold_opt__12'),
            numpy_helper.from_array(wd, 'model/dense/MatMul/ReadVariableOp:0'),
            numpy_helper.from_array(bd, 'model/dense/BiasAdd/ReadVariableOp:0')]
    nodes = [
        helper.make_node('Transpose', ['input_1'], ['model/conv2d/Conv2D__6:0'], name='model/conv2d/Conv2D__6',
                         perm=[0, 3, 1, 2]),
        helper.make_node('Conv', ['model/conv2d/Conv2D__6:0', 'model/conv2d/Conv2D/ReadVariableOp:0',
                                  'model/conv2d/BiasAdd/ReadVariableOp:0'], ['model/conv2d/BiasAdd:0'],
                         name='model/conv2d/BiasAdd', auto_pad='SAME_UPPER', dilations=[1, 1],
                         kernel_shape=[3, 3], strides=[1, 1]),
        helper.make_node('Relu', ['model/conv2d/BiasAdd:0'], ['model/conv2d/Relu:0'], name='model/conv2d/Relu'),
        helper.make_node('MaxPool', ['model/conv2d/Relu:0'], ['model/max_pooling2d/MaxPool:0'],
                         name='model/max_pooling2d/MaxPool', auto_pad='SAME_UPPER', kernel_shape=[3, 3],
                         strides=[2, 2]),
        helper.make_node('Conv', ['model/max_pooling2d/MaxPool:0', 'model/conv2d_1/Conv2D/ReadVariableOp:0',
                                  'model/conv2d_1/BiasAdd/ReadVariableOp:0'], ['model/conv2d_1/BiasAdd:0'],
                         name='model/conv2d_1/BiasAdd', auto_pad='VALID', dilations=[1, 1],
                         kernel_shape=[3, 3], strides=[1, 1]),
        helper.make_node('Relu', ['model/conv2d_1/BiasAdd:0'], ['model/conv2d_1/Relu:0'],
                         name='model/conv2d_1/Relu'),
        helper.make_node('MaxPool', ['model/conv2d_1/Relu:0'], ['model/max_pooling2d_1/MaxPool:0'],
                         name='model/max_pooling2d_1/MaxPool', auto_pad='VALID', kernel_shape=[2, 2],
                         strides=[1, 1]),
        helper.make_node('GlobalAveragePool', ['model/max_pooling2d_1/MaxPool:0'],
                         ['model/global_average_pooling2d/Mean:0'], name='model/global_average_pooling2d/Mean'),
        helper.make_node('Transpose', ['model/global_average_pooling2d/Mean:0'],
                         ['model/global_average_pooling2d/Mean__18:0'],
                         name='model/global_average_pooling2d/Mean__18', perm=[0, 2, 3, 1]),
        helper.make_node('Reshape', ['model/global_average_pooling2d/Mean__18:0', 'const_fold_opt__12'],
                         ['model/global_average_pooling2d/Mean_Squeeze__20:0'],
                         name='model/global_average_pooling2d/Mean_Squeeze__20'),
        helper.make_node('MatMul', ['model/global_average_pooling2d/Mean_Squeeze__20:0',
                                    'model/dense/MatMul/ReadVariableOp:0'], ['model/dense/MatMul:0'],
                         name='model/dense/MatMul'),
        helper.make_node('Add', ['model/dense/MatMul:0', 'model/dense/BiasAdd/ReadVariableOp:0'],
                         ['model/dense/BiasAdd:0'], name='model/dense/BiasAdd'),
        helper.make_node('Softmax', ['model/dense/BiasAdd:0'], ['dense'], name='model/dense/Softmax', axis=-1),
    ]
    graph = helper.make_graph(
        nodes, 'tf2onnx', [helper.make_tensor_value_info('input_1', TensorProto.FLOAT, ['unk__0', 10, 10, 3])],
        [helper.make_tensor_value_info('dense', TensorProto.FLOAT, ['unk__1', 10])], init)
    model = helper.make_model(graph, producer_name='tf2onnx', producer_version='1.9.3',
                              opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)

    y = reference(x.astype(np.float64), w1, b1, w2, b2, wd, bd).astype(np.float32)
    os.makedirs(os.path.join(outdir, 'test_data_set_0'), exist_ok=True)
    onnx.save(model, os.path.join(outdir, 'model.onnx'))
    with open(os.path.join(outdir, 'test_data_set_0', 'input_0.pb'), 'wb') as f:
        f.write(numpy_helper.from_array(x, 'input_1').SerializeToString())
    with open(os.path.join(outdir, 'test_data_set_0', 'output_0.pb'), 'wb') as f:
        f.write(numpy_helper.from_array(y, 'dense').SerializeToString())
    print('wrote %s: output %s, rows sum to %s' % (outdir, y.shape, y.sum(axis=1)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
