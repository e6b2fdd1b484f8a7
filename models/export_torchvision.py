#!/usr/bin/python3
"""Export randomly initialised torchvision classifiers (and a small Keras-tutorial MNIST CNN) to ONNX, with
PyTorch's own output as the reference, in the ONNX backend-test layout:

    OUTDIR/<name>/model.onnx
    OUTDIR/<name>/test_data_set_0/input_0.pb    seeded N(0,1) input, e.g. 1x3x224x224
    OUTDIR/<name>/test_data_set_0/output_0.pb   PyTorch's output for that input (eval mode, float32, CPU)
    OUTDIR/<name>/export.json                   provenance: versions, seed, export seconds, bytes, op types
    OUTDIR/<name>/stamp                         hash of this script + torch/torchvision versions + name

Usage: export_torchvision.py OUTDIR [--set core|all] [--list] [--force] [names...]
(default: --set core, the quick set; tests/models/check_models.py, which CI runs, uses --set all)

No weights are ever downloaded (weights=None): the point is that onnxrun computes what PyTorch computes for the
same graph, not accuracy. Parameters come from torch's default init under a fixed seed; BatchNorm running
statistics and norm-layer affine parameters are then re-drawn from a seeded generator so that the exported
BatchNormalization / folded Conv weights are not the trivial identity (mean 0, var 1, scale 1, shift 0).

Idempotent: a model whose stamp matches is skipped, so the build folder can cache the big files (they are not
committed; only the tiny MNIST model is, as models/mnist/). Writes go to a temporary folder renamed into place,
so an interrupted export never leaves a half model that looks complete.

Needs Debian's python3-torch and python3-torchvision (torch 1.13, torchvision 0.14) and python3-onnx; run with
/usr/bin/python3.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings

OPSET = 13
SEED = 20240607          # parameters (torch.manual_seed before building the model)
INPUT_SEED = 7           # input tensor (separate generator, so the input does not depend on the model)

# name -> (input shape, constructor kwargs). '--set all' is this dict plus every other torchvision 0.14
# classifier at 1x3x224x224 with default arguments, less EXCLUDED: what CI and the meson test `torchvision`
# run (75 models; ~130 s of onnxrun, the export dominates). 'core' (this dict: the models the issue names,
# one or two per family and the transformer-style graphs) is the quick set for development,
# ONNXRUN_MODELS_SET=core.
CORE = {
    'mnist':              ((2, 1, 28, 28), {}),
    'resnet18':           ((1, 3, 224, 224), {}),
    'squeezenet1_1':      ((1, 3, 224, 224), {}),
    'mobilenet_v2':       ((1, 3, 224, 224), {}),
    # aux_logits off (eval would drop them anyway, but they would still be built); init_weights=True
    # uses torch's trunc_normal_ and silences the scipy-based-init warning.
    'googlenet':          ((1, 3, 224, 224), {'aux_logits': False, 'init_weights': True}),
    'densenet121':        ((1, 3, 224, 224), {}),
    'shufflenet_v2_x1_0': ((1, 3, 224, 224), {}),
    'alexnet':            ((1, 3, 224, 224), {}),
    'vgg11':              ((1, 3, 224, 224), {}),
    'resnet50':           ((1, 3, 224, 224), {}),
    'mnasnet1_0':         ((1, 3, 224, 224), {}),
    'efficientnet_b0':    ((1, 3, 224, 224), {}),
    'regnet_x_400mf':     ((1, 3, 224, 224), {}),
    'regnet_y_400mf':     ((1, 3, 224, 224), {}),
    'mobilenet_v3_small': ((1, 3, 224, 224), {}),
    # init_weights=False: torchvision's own init (trunc_normal std 0.1) with random BN statistics grows the
    # logits to ~1e13; torch's default init keeps them O(1), like the other models.
    'inception_v3':       ((1, 3, 299, 299), {'aux_logits': False, 'init_weights': False}),
    # Beyond plain CNNs: LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div, GELU as Erf, channels-last MatMul
    # (ConvNeXt); attention with Softmax/MatMul and the Shape/Gather/Where/Expand/ConstantOfShape chain
    # that PyTorch emits for the class token (ViT-B/32, the cheapest ViT).
    'convnext_tiny':      ((1, 3, 224, 224), {}),
    'vit_b_32':           ((1, 3, 224, 224), {}),
}

# Left out of 'all', with the reason (reported by --list). The rest of torchvision 0.14's 80 classifiers export
# at opset 13 and pass.
EXCLUDED = {
    # A single protobuf is limited to 2 GiB (vit_h_14 632M parameters, regnet_y_128gf 645M: ~2.5 GB of float32);
    # these need external data files, which is a different test.
    'vit_h_14': 'over 2 GiB of float32 weights (protobuf limit; would need external data)',
    'regnet_y_128gf': 'over 2 GiB of float32 weights (protobuf limit; would need external data)',
    # torch 1.13's exporter has no symbolic for aten::zero_ (Swin V2's relative-position bias table).
    'swin_v2_t': "torch.onnx 1.13: 'aten::zero' has no opset-13 symbolic",
    'swin_v2_s': "torch.onnx 1.13: 'aten::zero' has no opset-13 symbolic",
    'swin_v2_b': "torch.onnx 1.13: 'aten::zero' has no opset-13 symbolic",
}

def make_mnist(torch):
    # The Keras "Simple MNIST convnet" tutorial in PyTorch form: Conv(32,3x3)-ReLU-MaxPool(2),
    # Conv(64,3x3)-ReLU-MaxPool(2), Flatten, Dropout (gone in eval), Linear(1600->10), Softmax; batch 2.
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(64 * 5 * 5, 10), nn.Softmax(dim=1))
    # Default init gives logits of ~0.2 and a flat softmax (every probability ~0.1), which would hide logit
    # errors; scaled, the probabilities spread over 1e-3..0.5 and the comparison sees the logits.
    with torch.no_grad():
        model[8].weight.mul_(12.0)
    return model


def all_models():
    import torchvision.models as tvm
    names = dict(CORE)
    for n in tvm.list_models(module=tvm):
        if n in names or n in EXCLUDED:
            continue
        names[n] = ((1, 3, 224, 224), {})
    return names


def script_hash(name, torch_version, tv_version):
    h = hashlib.sha256()
    with open(os.path.abspath(__file__), 'rb') as f:
        h.update(f.read())
    h.update(('%s|%s|%s|%d' % (name, torch_version, tv_version, OPSET)).encode())
    return h.hexdigest()


def randomize_norms(torch, model):
    """Seeded, well-conditioned random statistics and affine parameters for every norm layer."""
    g = torch.Generator().manual_seed(SEED + 1)
    norm_types = (torch.nn.modules.batchnorm._BatchNorm, torch.nn.LayerNorm, torch.nn.GroupNorm)
    with torch.no_grad():
        for m in model.modules():
            if not isinstance(m, norm_types):
                continue
            if getattr(m, 'weight', None) is not None:
                m.weight.copy_(torch.rand(m.weight.shape, generator=g) * 0.5 + 0.75)
            if getattr(m, 'bias', None) is not None:
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            if getattr(m, 'running_mean', None) is not None:
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=g) * 0.1)
            if getattr(m, 'running_var', None) is not None:
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 0.5 + 0.75)


def undo_degenerate_init(torch, model):
    """Re-draw parameters whose default init would make the reference blind to part of the graph.

    ConvNeXt scales every residual branch by layer_scale = 1e-6 at init, so the blocks (their depthwise Conv,
    LayerNorm as ReduceMean/Pow/Sqrt, GELU as Erf, MatMul) would move the logits by ~1e-6 and any error in them
    would pass; the ViTs zero their classifier head, so the output is exactly 0 whatever the encoder computes.
    """
    g = torch.Generator().manual_seed(SEED + 2)
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.endswith('layer_scale'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.2 + 0.1)
            elif p.dim() >= 2 and not torch.any(p != 0):
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5)


def build(torch, name, kwargs):
    import torchvision.models as tvm
    torch.manual_seed(SEED)
    if name == 'mnist':
        model = make_mnist(torch)
    else:
        model = tvm.get_model(name, weights=None, **kwargs)
    randomize_norms(torch, model)
    undo_degenerate_init(torch, model)
    return model.eval()


def export_one(name, shape, kwargs, outdir, force):
    import numpy as np
    import onnx
    import torch
    import torchvision
    from onnx import numpy_helper

    final = os.path.join(outdir, name)
    stamp = script_hash(name, torch.__version__, torchvision.__version__)
    stamp_path = os.path.join(final, 'stamp')
    if not force and os.path.exists(stamp_path):
        with open(stamp_path) as f:
            if f.read().strip() == stamp:
                print('%-22s up to date' % name, flush=True)
                return True

    t0 = time.monotonic()
    model = build(torch, name, kwargs)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(INPUT_SEED), dtype=torch.float32)
    with torch.no_grad():
        y = model(x)
    if not isinstance(y, torch.Tensor):
        raise RuntimeError('model returned %s, expected one tensor' % type(y).__name__)
    # A reference that is constant (or not finite) cannot tell a right engine from a wrong one.
    if not bool(torch.isfinite(y).all()) or float(y.std()) <= 1e-3 * float(y.abs().max()):
        raise RuntimeError('degenerate reference output (std %g, max|y| %g): fix the init' % (
            float(y.std()), float(y.abs().max())))

    tmp = tempfile.mkdtemp(prefix='.%s.' % name, dir=outdir)
    try:
        model_path = os.path.join(tmp, 'model.onnx')
        t1 = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            torch.onnx.export(model, x, model_path, opset_version=OPSET, input_names=['input'],
                              output_names=['output'], do_constant_folding=True)
        export_s = time.monotonic() - t1
        m = onnx.load(model_path)
        onnx.checker.check_model(m)
        graph_inputs = [i.name for i in m.graph.input
                        if i.name not in {t.name for t in m.graph.initializer}]
        if graph_inputs != ['input'] or [o.name for o in m.graph.output] != ['output']:
            raise RuntimeError('unexpected graph inputs %s / outputs %s' % (graph_inputs, m.graph.output))
        ops = {}
        for n in m.graph.node:
            ops[n.op_type] = ops.get(n.op_type, 0) + 1
        ds = os.path.join(tmp, 'test_data_set_0')
        os.mkdir(ds)
        with open(os.path.join(ds, 'input_0.pb'), 'wb') as f:
            f.write(numpy_helper.from_array(x.numpy().astype(np.float32), 'input').SerializeToString())
        with open(os.path.join(ds, 'output_0.pb'), 'wb') as f:
            f.write(numpy_helper.from_array(y.numpy().astype(np.float32), 'output').SerializeToString())
        info = {
            'name': name, 'torch': torch.__version__, 'torchvision': torchvision.__version__,
            'onnx': onnx.__version__, 'opset': OPSET, 'seed': SEED, 'input_seed': INPUT_SEED,
            'kwargs': kwargs, 'input_shape': list(shape), 'output_shape': list(y.shape),
            'export_seconds': round(export_s, 2), 'total_seconds': round(time.monotonic() - t0, 2),
            'model_bytes': os.path.getsize(model_path),
            'params': int(sum(p.numel() for p in model.parameters())), 'op_types': ops,
        }
        with open(os.path.join(tmp, 'export.json'), 'w') as f:
            json.dump(info, f, indent=1, sort_keys=True)
        with open(os.path.join(tmp, 'stamp'), 'w') as f:
            f.write(stamp + '\n')
        if os.path.exists(final):
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print('%-22s exported in %6.1fs, %8.1f MB, ops: %s' % (
        name, info['total_seconds'], info['model_bytes'] / 1e6, ' '.join(sorted(ops))), flush=True)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('outdir')
    ap.add_argument('names', nargs='*', help='models to export (default: the chosen --set)')
    ap.add_argument('--set', choices=['core', 'all'], default='core')
    ap.add_argument('--list', action='store_true', help='print the model names of the set and exit')
    ap.add_argument('--force', action='store_true', help='re-export even when the stamp matches')
    args = ap.parse_args()

    if args.list and args.set == 'core' and not args.names:
        print('\n'.join(CORE))
        return 0
    catalog = all_models()
    chosen = args.names or (list(CORE) if args.set == 'core' else list(catalog))
    if args.list:
        print('\n'.join(chosen))
        for n, why in EXCLUDED.items():
            print('# excluded %s: %s' % (n, why))
        return 0
    unknown = [n for n in chosen if n not in catalog]
    if unknown:
        print('unknown model(s): %s%s' % (' '.join(unknown), ''.join(
            '\n  %s is excluded: %s' % (n, EXCLUDED[n]) for n in unknown if n in EXCLUDED)), file=sys.stderr)
        return 2
    os.makedirs(args.outdir, exist_ok=True)
    failed = []
    for n in chosen:
        shape, kwargs = catalog[n]
        try:
            export_one(n, shape, kwargs, args.outdir, args.force)
        except Exception as e:  # keep going: one model that does not export must not hide the others
            msg = str(e).strip().split('\n')[0][:300]
            print('%-22s EXPORT FAILED: %s: %s' % (n, type(e).__name__, msg), flush=True)
            failed.append(n)
            # A stale export from an older script must not pass for this one's.
            shutil.rmtree(os.path.join(args.outdir, n), ignore_errors=True)
    if failed:
        print('export failed for: %s' % ' '.join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
