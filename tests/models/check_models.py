#!/usr/bin/python3
"""Run real exported models through the onnxrun CLI the way a user would, and compare with the framework.

Usage: check_models.py --onnxrun EXE --cache DIR [--set core|all] [--expected-failures FILE]
                       [--errors-tsv FILE] [--threads N] [names...]

Models:
  - committed, no framework needed: models/mnist (PyTorch export of the Keras-tutorial MNIST CNN) and
    models/keras_style (tf2onnx-style NHWC graph, numpy-loop reference);
  - exported on demand by models/export_torchvision.py into DIR (the build folder's cache; the big files are
    never committed). Needs Debian's python3-torch and python3-torchvision. Without them the exported models
    are skipped with a message, except under CI (CI=true), where that is a failure: CI installs torch.

For each model: `onnxrun run DIR/model.onnx -i NAME=test_data_set_0/input_K.pb -o OUT`, then every
OUT/<output name>.npy is compared with test_data_set_0/output_K.pb (PyTorch's own output):
    max |got - want| <= 1e-4 * max |want| + 1e-6
that is, relative to the output's scale rather than per element, since float32 summation order legitimately
differs between runtimes (a per-element rtol would fail on logits near zero). The line per model prints the
max abs error, max|want|, their ratio (the max relative error), the run time, and on failure the CLI's first
error line (which names the first unsupported op) or the worst element. The same numbers, with PyTorch's
parameter count, go to a tab-separated table, --errors-tsv (default CACHE/errors.tsv), one line per model.

An expected-failures file lists `name  reason` lines: a listed model that fails prints XFAIL and counts as
skipped; a listed model that passes is a FAIL, so the list only shrinks. Last line: "N passed, N failed,
N skipped". Exit status 1 when any model failed; 77 (meson's "skipped") when nothing failed but the exported
models were wanted and torch is missing outside CI.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COMMITTED = ['mnist', 'keras_style']
RTOL_MAX = 1e-4
ATOL = 1e-6
RUN_TIMEOUT = 900


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, 'rb') as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def read_xfail(path):
    xf = {}
    if not path:
        return xf
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                name, _, reason = line.partition(' ')
                xf[name] = reason.strip()
    return xf


def graph_io(model_path):
    """Graph input names that are not initializers, and output names, without loading the weights."""
    m = onnx.load(model_path, load_external_data=False)
    inits = {t.name for t in m.graph.initializer}
    return [i.name for i in m.graph.input if i.name not in inits], [o.name for o in m.graph.output]


def first_error_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    for l in lines:
        if 'onnxrun' in l or 'error' in l.lower() or 'unsupported' in l.lower():
            return l.strip()
    return lines[0].strip() if lines else '(no message)'


def param_count(mdir, model_path):
    """PyTorch's parameter count from export.json when the exporter wrote one, else the number of elements in
    the graph's initializers (for models not made by PyTorch)."""
    info = os.path.join(mdir, 'export.json')
    if os.path.exists(info):
        with open(info) as f:
            n = json.load(f).get('params')
        if n is not None:
            return int(n)
    m = onnx.load(model_path, load_external_data=False)
    total = 0
    for t in m.graph.initializer:
        total += int(np.prod(t.dims)) if len(t.dims) else 1
    return total


def check_one(onnxrun, name, mdir, threads):
    """Runs one model; returns a dict: ok, detail, secs, abs_err, max_want, rel_err, params (the error fields
    are over all outputs, None when onnxrun failed before any comparison)."""
    model = os.path.join(mdir, 'model.onnx')
    ds = os.path.join(mdir, 'test_data_set_0')
    in_names, out_names = graph_io(model)
    r = {'ok': False, 'detail': '', 'secs': 0.0, 'abs_err': None, 'max_want': None, 'rel_err': None,
         'params': param_count(mdir, model)}
    argv = [onnxrun, 'run', model]
    for k, n in enumerate(in_names):
        argv += ['-i', '%s=%s' % (n, os.path.join(ds, 'input_%d.pb' % k))]
    out_dir = tempfile.mkdtemp(prefix='onnxrun-models-%s.' % name)
    argv += ['-o', out_dir]
    if threads:
        argv += ['--threads', str(threads)]
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=RUN_TIMEOUT)
        r['secs'] = time.monotonic() - t0
        if p.returncode != 0:
            r['detail'] = 'onnxrun run exited %d: %s' % (
                p.returncode, first_error_line(p.stderr.decode(errors='replace')))
            return r
        details = []
        fail = None
        for k, oname in enumerate(out_names):
            _, want = load_pb(os.path.join(ds, 'output_%d.pb' % k))
            path = os.path.join(out_dir, oname.replace('/', '_').replace('\\', '_') + '.npy')
            if not os.path.exists(path):
                r['detail'] = 'output %r was not written (%s)' % (oname, path)
                return r
            got = np.load(path)
            if got.dtype != want.dtype or got.shape != want.shape:
                r['detail'] = 'output %r: got %s%s, want %s%s' % (
                    oname, got.dtype, list(got.shape), want.dtype, list(want.shape))
                return r
            if got.size == 0:
                continue
            g = got.astype(np.float64)
            w = want.astype(np.float64)
            scale = float(np.max(np.abs(w)))
            if not np.all(np.isfinite(g)):
                bad = np.unravel_index(int(np.argmax(~np.isfinite(g))), g.shape)
                r['detail'] = 'output %r: non-finite value %r at %s' % (oname, g[bad], list(bad))
                return r
            diff = np.abs(g - w)
            err = float(diff.max())
            rel = err / scale if scale > 0 else err
            # The table reports the worst output (by relative error) of a multi-output model.
            if r['rel_err'] is None or rel > r['rel_err']:
                r['abs_err'], r['max_want'], r['rel_err'] = err, scale, rel
            if err > RTOL_MAX * scale + ATOL and fail is None:
                at = np.unravel_index(int(np.argmax(diff)), diff.shape)
                fail = 'output %r: max rel err %.3g > %.0e (at %s got %.7g want %.7g; max|want| %.4g)' % (
                    oname, rel, RTOL_MAX, list(at), g[at], w[at], scale)
            details.append('%s %s' % (oname, list(want.shape)))
        if fail:
            r['detail'] = fail
            return r
        r['ok'] = True
        r['detail'] = '(%s)' % ', '.join(details)
        return r
    except subprocess.TimeoutExpired:
        r['secs'] = time.monotonic() - t0
        r['detail'] = 'onnxrun run did not finish in %d s' % RUN_TIMEOUT
        return r
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def fmt(v, spec):
    return '' if v is None else spec % v


def write_tsv(path, rows):
    """One line per model, tab-separated, for the README table and for comparing runs."""
    with open(path + '.tmp', 'w') as f:
        f.write('model\tstatus\tparams\tmax_abs_err\tmax_abs_want\tmax_rel_err\trun_seconds\tdetail\n')
        for name, status, r in rows:
            f.write('\t'.join([name, status, fmt(r.get('params'), '%d'), fmt(r.get('abs_err'), '%.3e'),
                                fmt(r.get('max_want'), '%.4g'), fmt(r.get('rel_err'), '%.3e'),
                                fmt(r.get('secs'), '%.2f'), r.get('detail', '').replace('\t', ' ')]) + '\n')
    os.replace(path + '.tmp', path)


def have_torch():
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
        return True
    except ImportError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--onnxrun', required=True, help='the built onnxrun executable')
    ap.add_argument('--cache', required=True, help='folder for the exported models (build folder)')
    ap.add_argument('--set', choices=['core', 'all'], default=os.environ.get('ONNXRUN_MODELS_SET', 'all'))
    ap.add_argument('--expected-failures', default=os.path.join(HERE, 'expected_failures.txt'))
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--errors-tsv', help='per-model error table (default: CACHE/errors.tsv)')
    ap.add_argument('--prune', action='store_true',
                    default=bool(os.environ.get('ONNXRUN_MODELS_PRUNE', os.environ.get('CI'))),
                    help='export each model just before its check and delete it after (bounds the disk use to '
                         'one model; default under CI=true or ONNXRUN_MODELS_PRUNE=1)')
    ap.add_argument('names', nargs='*', help='only these models (committed or exported)')
    args = ap.parse_args()

    xf = read_xfail(args.expected_failures if os.path.exists(args.expected_failures) else None)
    passed = failed = skipped = 0
    failures = []
    cases = []  # (name, folder)
    rows = []  # (name, status, result) for the TSV
    torch_missing = False
    for n in COMMITTED:
        if not args.names or n in args.names:
            cases.append((n, os.path.join(ROOT, 'models', n)))

    export_names = [n for n in args.names if n not in COMMITTED]
    exporter = os.path.join(ROOT, 'models', 'export_torchvision.py')
    if args.names and not export_names:
        pass  # only committed models asked for
    elif have_torch():
        if not export_names:
            lst = subprocess.run([sys.executable, exporter, args.cache, '--list', '--set', args.set],
                                 stdout=subprocess.PIPE, check=True).stdout.decode()
            export_names = [l.strip() for l in lst.splitlines() if l.strip() and not l.startswith('#')
                            and l.strip() not in COMMITTED]
        print('%d model(s) to export into %s (cached; stamp = script hash)%s' % (
            len(export_names), args.cache, '; --prune: each deleted once checked' if args.prune else ''),
            flush=True)
        if not args.prune:
            # One exporter process for the lot (torch is imported once); cached models are skipped.
            t0 = time.monotonic()
            rc = subprocess.run([sys.executable, exporter, args.cache] + export_names).returncode
            print('export step: %.1f s, exit %d' % (time.monotonic() - t0, rc), flush=True)
        for n in export_names:
            # Exported models go through the same loop as the committed ones; under --prune each is
            # exported just before its check, so at most one model is on disk at a time.
            cases.append((n, os.path.join(args.cache, n)))
    else:
        torch_missing = True
        msg = 'python3-torch / python3-torchvision not importable by %s' % sys.executable
        if os.environ.get('CI'):
            print('FAIL  exported models: %s (CI must install them: scripts/setup.sh)' % msg, flush=True)
            failed += 1
            failures.append('(torch missing)')
        else:
            print('SKIP  exported models: %s' % msg, flush=True)
            skipped += 1

    committed = set(COMMITTED)
    for name, mdir in cases:
        exported = name not in committed
        if exported and args.prune:
            subprocess.run([sys.executable, exporter, args.cache, name])
        if exported and not os.path.exists(os.path.join(mdir, 'stamp')):
            print('FAIL  %-22s export failed (see above)' % name, flush=True)
            failed += 1
            failures.append(name)
            rows.append((name, 'FAIL', {'detail': 'export failed'}))
            continue
        r = check_one(args.onnxrun, name, mdir, args.threads)
        if exported and args.prune:
            shutil.rmtree(mdir, ignore_errors=True)
        ok, detail, secs = r['ok'], r['detail'], r['secs']
        stats = 'abs %s  max|want| %s  rel %s' % (
            fmt(r['abs_err'], '%.2e'), fmt(r['max_want'], '%.3g'), fmt(r['rel_err'], '%.2e'))
        if ok and name in xf:
            status = 'FAIL'
            print('FAIL  %-22s %6.2fs  passes but is listed in the expected failures (remove it): %s' % (
                name, secs, detail), flush=True)
            failed += 1
            failures.append(name)
        elif ok:
            status = 'PASS'
            print('PASS  %-22s %6.2fs  %s  %s' % (name, secs, stats, detail), flush=True)
            passed += 1
        elif name in xf:
            status = 'XFAIL'
            print('XFAIL %-22s %6.2fs  %s  [listed: %s]' % (name, secs, detail, xf[name]), flush=True)
            skipped += 1
        else:
            status = 'FAIL'
            print('FAIL  %-22s %6.2fs  %s' % (name, secs, detail), flush=True)
            failed += 1
            failures.append(name)
        rows.append((name, status, r))
    if rows:
        os.makedirs(args.cache, exist_ok=True)
        tsv = args.errors_tsv or os.path.join(args.cache, 'errors.tsv')
        write_tsv(tsv, rows)
        print('per-model errors written to %s' % tsv)
    if failures:
        print('failed: %s' % ' '.join(failures))
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 77 if torch_missing else 0


if __name__ == '__main__':
    sys.exit(main())
