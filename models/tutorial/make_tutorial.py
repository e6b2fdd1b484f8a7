#!/usr/bin/python3
"""make_tutorial.py: builds the bundled tutorial models and their expected outputs.

Run with Debian's python (python3-onnx 1.12, python3-numpy), from anywhere:
    /usr/bin/python3 models/tutorial/make_tutorial.py
It rewrites models/tutorial/<name>/ in the ONNX backend-test layout that `onnxrun test` walks:
    <name>/model.onnx
    <name>/test_data_set_N/input_0.pb, output_K.pb   (TensorProto, output K = K-th graph output)
    <name>/input*.npy                                (the same inputs, for `onnxrun run -i`)

Models:
  vertical_line  (opset 13) the classic pooling-tutorial example: an 8x8 image with a two-pixel-wide vertical
                 line, a 3x3 vertical-line detector (Conv), Relu, then AveragePool 2x2/2, MaxPool 2x2/2,
                 GlobalMaxPool, GlobalAveragePool. Every intermediate map is a graph output so a run shows the
                 feature map before and after pooling. Data set 0 is the vertical line (average and max pooling
                 agree: rows [0,3,0]); data set 1 is a diagonal line, where they differ.
  pool_padding   (opset 17) 5x5 ramp 1..25 through AveragePool/MaxPool 3x3/2 with one pixel of padding
                 (count_include_pad 0 vs 1, MaxPool Indices) and 2x2/2 with ceil_mode=1, the cases readers of
                 pooling tutorials ask about.

Expected outputs are computed here with plain Python loops over numpy arrays (naive Conv, window pooling with
the ONNX geometry rules of AveragePool/MaxPool, see /work/shared/ONNX-POOLING.md sections 2-5), never by
onnxrun, and the hand-worked values of the tutorials are asserted before anything is written. The script is
deterministic: the same onnx/numpy give byte-identical files (no timestamps, no randomness).
"""
import math
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
PRODUCER = "onnxrun models/tutorial/make_tutorial.py"


# --- naive references (loops on purpose: independent of any vectorised or engine code) -----------------------

def conv2d(x, w, b):
    """ONNX Conv, group 1, stride 1, no padding, no dilation. x (N,C,H,W), w (M,C,kh,kw), b (M,)."""
    n_, c_, h, wd = x.shape
    m_, _, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    y = np.zeros((n_, m_, oh, ow), dtype=np.float64)
    for n in range(n_):
        for m in range(m_):
            for i in range(oh):
                for j in range(ow):
                    acc = float(b[m])
                    for c in range(c_):
                        for u in range(kh):
                            for v in range(kw):
                                acc += float(x[n, c, i + u, j + v]) * float(w[m, c, u, v])
                    y[n, m, i, j] = acc
    return y.astype(np.float32)


def relu(x):
    y = x.copy()
    for idx in np.ndindex(*x.shape):
        if y[idx] < 0:
            y[idx] = 0
    return y


def pool_out_size(size, k, s, pb, pe, ceil_mode):
    """ONNX-POOLING.md 2.1: floor/ceil((in + P - k)/s) + 1; with ceil_mode a window starting in the right
    padding is dropped (opset-22 wording, what ORT and PyTorch do for every opset)."""
    num = size + pb + pe - k
    out = (math.ceil(num / s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + pb:
        out -= 1
    return out


def pool2d(x, kind, k, s, pads=(0, 0, 0, 0), ceil_mode=False, count_include_pad=False):
    """ONNX AveragePool / MaxPool on (N,C,H,W), no dilation. pads = [top, left, bottom, right].
    Returns (y, indices); indices (MaxPool output 1) are row-major flat positions in the unpadded input."""
    n_, c_, h, w = x.shape
    pt, pl, pbm, pr = pads
    oh = pool_out_size(h, k[0], s[0], pt, pbm, ceil_mode)
    ow = pool_out_size(w, k[1], s[1], pl, pr, ceil_mode)
    y = np.zeros((n_, c_, oh, ow), dtype=np.float64)
    ind = np.zeros((n_, c_, oh, ow), dtype=np.int64)
    for n in range(n_):
        for c in range(c_):
            for i in range(oh):
                for j in range(ow):
                    total, valid, in_extent = 0.0, 0, 0
                    best, best_at = None, -1
                    for u in range(k[0]):
                        for v in range(k[1]):
                            r, q = i * s[0] - pt + u, j * s[1] - pl + v
                            # count_include_pad counts taps inside the declared padded extent only, not the
                            # ceil-mode overhang (ONNX-POOLING.md section 5).
                            if -pt <= r < h + pbm and -pl <= q < w + pr:
                                in_extent += 1
                            if not (0 <= r < h and 0 <= q < w):
                                continue
                            val = float(x[n, c, r, q])
                            valid += 1
                            total += val
                            if best is None or val > best:   # strict '>': first maximum in row-major order wins
                                best, best_at = val, ((n * c_ + c) * h + r) * w + q
                    if kind == "max":
                        y[n, c, i, j], ind[n, c, i, j] = best, best_at
                    else:
                        y[n, c, i, j] = total / (in_extent if count_include_pad else valid)
    return y.astype(x.dtype), ind


def global_pool(x, kind):
    n_, c_ = x.shape[:2]
    y = np.zeros((n_, c_, 1, 1), dtype=np.float64)
    for n in range(n_):
        for c in range(c_):
            vals = [float(v) for v in x[n, c].ravel()]
            y[n, c, 0, 0] = max(vals) if kind == "max" else sum(vals) / len(vals)
    return y.astype(x.dtype)


# --- model construction ---------------------------------------------------------------------------------------

def value_info(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, list(shape))


def finish_model(graph, opset, ir_version):
    model = helper.make_model(graph, producer_name=PRODUCER, producer_version="1",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = ir_version
    onnx.checker.check_model(model, full_check=True)
    # Strict shape inference must agree with every declared output shape.
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    declared = {vi.name: vi for vi in model.graph.output}
    for vi in inferred.graph.output:
        assert vi == declared[vi.name], f"shape inference disagrees on {vi.name}"
    return model


def write_case(name, model, data_sets, npy_names):
    """data_sets: list of (inputs, outputs), each a list of numpy arrays in graph order."""
    out_dir = os.path.join(HERE, name)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    in_names = [vi.name for vi in model.graph.input]
    out_names = [vi.name for vi in model.graph.output]
    for ds, (inputs, outputs) in enumerate(data_sets):
        d = os.path.join(out_dir, f"test_data_set_{ds}")
        os.makedirs(d)
        assert len(inputs) == len(in_names) and len(outputs) == len(out_names)
        for k, (nm, arr) in enumerate(zip(in_names, inputs)):
            with open(os.path.join(d, f"input_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(arr, nm).SerializeToString())
        for k, (nm, arr) in enumerate(zip(out_names, outputs)):
            with open(os.path.join(d, f"output_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(arr, nm).SerializeToString())
    for ds, npy in enumerate(npy_names):
        np.save(os.path.join(out_dir, npy), data_sets[ds][0][0])


# --- vertical_line ----------------------------------------------------------------------------------------------

def vertical_line():
    image = np.zeros((1, 1, 8, 8), dtype=np.float32)
    image[0, 0, :, 3:5] = 1.0                      # two-pixel-wide vertical line in columns 3 and 4
    diagonal = np.zeros((1, 1, 8, 8), dtype=np.float32)
    for i in range(8):
        diagonal[0, 0, i, i] = 1.0                 # main diagonal: average and max pooling differ
    weight = np.array([[[[0, 1, 0], [0, 1, 0], [0, 1, 0]]]], dtype=np.float32)   # vertical-line detector
    bias = np.zeros((1,), dtype=np.float32)

    nodes = [
        helper.make_node("Conv", ["image", "detector_w", "detector_b"], ["conv_out"], name="conv",
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["conv_out"], ["relu_out"], name="relu"),
        helper.make_node("AveragePool", ["relu_out"], ["avgpool_out"], name="avgpool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("MaxPool", ["relu_out"], ["maxpool_out"], name="maxpool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalMaxPool", ["relu_out"], ["globalmax_out"], name="globalmax"),
        helper.make_node("GlobalAveragePool", ["relu_out"], ["globalavg_out"], name="globalavg"),
    ]
    outputs = [value_info("conv_out", (1, 1, 6, 6)), value_info("relu_out", (1, 1, 6, 6)),
               value_info("avgpool_out", (1, 1, 3, 3)), value_info("maxpool_out", (1, 1, 3, 3)),
               value_info("globalmax_out", (1, 1, 1, 1)), value_info("globalavg_out", (1, 1, 1, 1))]
    graph = helper.make_graph(
        nodes, "vertical_line", [value_info("image", (1, 1, 8, 8))], outputs,
        initializer=[numpy_helper.from_array(weight, "detector_w"), numpy_helper.from_array(bias, "detector_b")],
        doc_string="8x8 vertical-line image -> 3x3 vertical-line detector -> Relu -> pooling")
    model = finish_model(graph, opset=13, ir_version=7)

    def expected(x):
        c = conv2d(x, weight, bias)
        r = relu(c)
        return [c, r, pool2d(r, "avg", (2, 2), (2, 2))[0], pool2d(r, "max", (2, 2), (2, 2))[0],
                global_pool(r, "max"), global_pool(r, "avg")]

    ref0 = expected(image)
    # The tutorial's hand-worked numbers: detector response 3 on the line, pooled rows [0,3,0], 3 and 36/36.
    assert (ref0[0][0, 0] == np.array([[0, 0, 3, 3, 0, 0]] * 6, dtype=np.float32)).all()
    assert (ref0[1] == ref0[0]).all()
    assert (ref0[2][0, 0] == np.array([[0, 3, 0]] * 3, dtype=np.float32)).all()
    assert (ref0[3] == ref0[2]).all()
    assert ref0[4].item() == 3.0 and ref0[5].item() == 1.0
    ref1 = expected(diagonal)
    # On the diagonal the detector fires (value 1) on a band 3 wide (row i: columns i-1..i+1). 2x2 windows on
    # the diagonal hold four ones (avg 1), their neighbours a single one (avg 0.25) yet max pooling reports 1
    # there too: max keeps "a line is somewhere here", average says how much of the window it fills.
    assert (ref1[2][0, 0] == np.array([[1, .25, 0], [.25, 1, .25], [0, .25, 1]], dtype=np.float32)).all()
    assert (ref1[3][0, 0] == np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1]], dtype=np.float32)).all()
    assert ref1[4].item() == 1.0 and abs(ref1[5].item() - 16 / 36) < 1e-7
    write_case("vertical_line", model, [([image], ref0), ([diagonal], ref1)], ["input.npy", "input_diagonal.npy"])
    return model


# --- pool_padding -----------------------------------------------------------------------------------------------

def pool_padding():
    ramp = np.arange(1, 26, dtype=np.float32).reshape(1, 1, 5, 5)   # 1..25 row-major
    k3 = dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    k2c = dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)
    nodes = [
        helper.make_node("AveragePool", ["x"], ["avg_pad_exclude"], name="avg_pad_exclude",
                         count_include_pad=0, **k3),
        helper.make_node("AveragePool", ["x"], ["avg_pad_include"], name="avg_pad_include",
                         count_include_pad=1, **k3),
        helper.make_node("MaxPool", ["x"], ["max_pad", "max_pad_indices"], name="max_pad", **k3),
        helper.make_node("AveragePool", ["x"], ["avg_ceil"], name="avg_ceil", **k2c),
        helper.make_node("MaxPool", ["x"], ["max_ceil"], name="max_ceil", **k2c),
    ]
    outputs = [value_info("avg_pad_exclude", (1, 1, 3, 3)), value_info("avg_pad_include", (1, 1, 3, 3)),
               value_info("max_pad", (1, 1, 3, 3)), value_info("max_pad_indices", (1, 1, 3, 3), TensorProto.INT64),
               value_info("avg_ceil", (1, 1, 3, 3)), value_info("max_ceil", (1, 1, 3, 3))]
    graph = helper.make_graph(nodes, "pool_padding", [value_info("x", (1, 1, 5, 5))], outputs,
                              doc_string="5x5 ramp through padded and ceil-mode average/max pooling")
    model = finish_model(graph, opset=17, ir_version=8)

    pads = (1, 1, 1, 1)
    ex = pool2d(ramp, "avg", (3, 3), (2, 2), pads)[0]
    inc = pool2d(ramp, "avg", (3, 3), (2, 2), pads, count_include_pad=True)[0]
    mx, mi = pool2d(ramp, "max", (3, 3), (2, 2), pads)
    ac = pool2d(ramp, "avg", (2, 2), (2, 2), ceil_mode=True)[0]
    mc = pool2d(ramp, "max", (2, 2), (2, 2), ceil_mode=True)[0]
    # Hand-worked: the corner window sees 1,2,6,7 (sum 16) -> 16/4 = 4 without the pad, 16/9 with it;
    # the centre window 7..19 -> 117/9 = 13 either way; ceil_mode adds a third window of column 4 / row 4 only.
    assert ex[0, 0, 0, 0] == 4 and ex[0, 0, 1, 1] == 13 and ex[0, 0, 0, 1] == 5.5
    assert abs(inc[0, 0, 0, 0] - 16 / 9) < 1e-6 and inc[0, 0, 1, 1] == 13
    assert (mx[0, 0] == np.array([[7, 9, 10], [17, 19, 20], [22, 24, 25]])).all()
    assert (mi[0, 0] == np.array([[6, 8, 9], [16, 18, 19], [21, 23, 24]])).all()
    assert (ac[0, 0] == np.array([[4, 6, 7.5], [14, 16, 17.5], [21.5, 23.5, 25]])).all()
    assert (mc[0, 0] == np.array([[7, 9, 10], [17, 19, 20], [22, 24, 25]])).all()
    write_case("pool_padding", model, [([ramp], [ex, inc, mx, mi, ac, mc])], ["input.npy"])
    return model


def main():
    if not onnx.__version__ or onnx.defs.onnx_opset_version() < 17:
        sys.exit("make_tutorial.py needs onnx >= 1.12 (opset 17)")
    vertical_line()
    pool_padding()
    print("wrote", ", ".join(sorted(d for d in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, d)))))


if __name__ == "__main__":
    main()
