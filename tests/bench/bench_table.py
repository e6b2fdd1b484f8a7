#!/usr/bin/python3
"""bench_table.py: the Python side of run_bench.sh (Debian's /usr/bin/python3; numpy and onnx only for pb2npy).

    bench_table.py pb2npy IN.pb OUT.npy   TensorProto -> .npy, so ORT's node script reads the same input file
    bench_table.py table OUTDIR           OUTDIR/results.jsonl -> markdown tables on stdout, OUTDIR/table.tsv
    bench_table.py plot OUTDIR            OUTDIR/table.tsv -> OUTDIR/bench.gp (gnuplot script for bench.png)
    bench_table.py update OUTDIR DOC      replace the generated blocks of DOC (BENCHMARKS.md) in place: the text
                                          between <!-- bench:NAME:begin --> and <!-- bench:NAME:end --> for each
                                          section NAME (info pool models load profile targets) this run has data for

An engine's median for a case is the median of its per-round medians (each round is one process that ran for
S/N seconds after warm-up); min is the smallest single run seen. The memory floor is the median over rounds of
bwprobe's floor_us (read the input once + write the output once over buffers of the case's sizes); the floor
with t threads is the smallest of the 1..t thread probes (an op may run on fewer threads than it is given).
"""
import json
import math
import os
import statistics
import sys


def pb2npy(src, dst):
    import numpy as np
    import onnx
    from onnx import numpy_helper
    t = onnx.TensorProto()
    with open(src, 'rb') as f:
        t.ParseFromString(f.read())
    np.save(dst, numpy_helper.to_array(t))


def load(outdir):
    rows = []
    with open(os.path.join(outdir, 'results.jsonl')) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def collect(rows):
    """(case, threads) -> {engine: [result, ...]}, in first-seen case order."""
    order, data = [], {}
    for r in rows:
        key = (r['case'], r['threads'])
        if r['engine'] in ('profile', 'ort_internal'):
            key = (r['case'], 'profile')
        elif r['engine'].startswith('load_'):
            key = (r['case'], 'load')
            r = dict(r, engine=r['engine'][5:])
        if key not in data:
            data[key] = {}
            order.append(key)
        if r['r'] is not None:
            data[key].setdefault(r['engine'], []).append(r['r'])
    return order, data


def fmt_us(us):
    if us is None:
        return '-'
    if us >= 1e6:
        return '%.2f s' % (us / 1e6)
    if us >= 10000:
        return '%.1f ms' % (us / 1000)
    if us >= 1000:
        return '%.2f ms' % (us / 1000)
    return '%.1f us' % us


def fmt_ratio(x):
    return '-' if x is None else '%.2f' % x


def summary(results, field='median_us'):
    vals = [r[field] for r in results if r and field in r]
    return statistics.median(vals) if vals else None


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def is_pool(case):
    return case.split('_')[0] in POOL_PREFIXES


POOL_PREFIXES = ('maxpool', 'avgpool', 'globalavgpool', 'globalmaxpool', 'overhead')
MODELS = ('mnist', 'resnet18', 'squeezenet1_1', 'mobilenet_v2', 'googlenet')
# issue 4's targets (single thread unless said)
POOL_VS_ORT, POOL_VS_FLOOR = 1.0, 2.0
MODEL_GEOMEAN, MODEL_MAX, RSS_VS_FILE = 1.25, 1.5, 1.5


class Results:
    """Everything table() and targets() need, computed once from OUTDIR."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.order, self.data = collect(load(outdir))

    def cases(self, pool):
        seen = []
        for case, t in self.order:
            if t in ('profile', 'load') or case in seen or is_pool(case) != pool:
                continue
            seen.append(case)
        return seen

    def engine(self, case, t, engine):
        return [r for r in self.data.get((case, t), {}).get(engine, []) if r]

    def median(self, case, t, engine):
        return summary(self.engine(case, t, engine))

    def min(self, case, t, engine):
        return min((r['min_us'] for r in self.engine(case, t, engine)), default=None)

    def floor(self, case, t):
        # the floor with t threads: the best of 1..t threads' probes (an op may run on fewer threads)
        fls = [summary(self.engine(case, u, 'floor'), 'floor_us') for u in range(1, t + 1)]
        fls = [f for f in fls if f]
        return min(fls) if fls else None

    def threads(self, case):
        return sorted({t for c, t in self.order if c == case and isinstance(t, int)})

    def ratio(self, case, t):
        a, b = self.median(case, t, 'onnxrun'), self.median(case, t, 'ort')
        return a / b if a and b else None

    def floor_ratio(self, case, t):
        a, f = self.median(case, t, 'onnxrun'), self.floor(case, t)
        return a / f if a and f else None

    def internal(self, case):
        return summary(self.engine(case, 'profile', 'ort_internal'), 'internal_median_us')

    def loads(self):
        return [c for c, t in self.order if t == 'load']


def section_info(res):
    out = []
    info_path = os.path.join(res.outdir, 'run_info.txt')
    if os.path.exists(info_path):
        with open(info_path) as f:
            out += ['    ' + l.rstrip('\n') for l in f]
        out.append('')
    dram = []
    for t in (1, 2):
        p = os.path.join(res.outdir, 'dram_%d.json' % t)
        if os.path.exists(p):
            with open(p) as f:
                d = json.load(f)
            dram.append('%d thread(s): read %.1f GB/s, write %.1f GB/s' % (t, d['read_gbs'], d['write_gbs']))
    if dram:
        out.append('Memory bandwidth over 1 GiB buffers (bwprobe --dram): ' + '; '.join(dram) + '.')
    return '\n'.join(out)


def section_pool(res):
    cases = res.cases(pool=True)
    if not cases:
        return ''
    out = ['| case | threads | onnxrun median | ORT median | onnxrun / ORT | memory floor | onnxrun / floor '
           '| ORT / floor | onnxrun min | ORT min | ORT model_run |',
           '|---|---|---|---|---|---|---|---|---|---|---|']
    for case in cases:
        for t in res.threads(case):
            a, b, fl = res.median(case, t, 'onnxrun'), res.median(case, t, 'ort'), res.floor(case, t)
            out.append('| %s | %d | %s | %s | **%s** | %s | %s | %s | %s | %s | %s |' % (
                case, t, fmt_us(a), fmt_us(b), fmt_ratio(res.ratio(case, t)), fmt_us(fl),
                fmt_ratio(res.floor_ratio(case, t)), fmt_ratio(b / fl if b and fl else None),
                fmt_us(res.min(case, t, 'onnxrun')), fmt_us(res.min(case, t, 'ort')),
                fmt_us(res.internal(case) if t == 1 else None)))
    return '\n'.join(out)


def section_models(res):
    cases = res.cases(pool=False)
    if not cases:
        return ''
    out = ['| model | onnxrun 1T | ORT 1T | onnxrun / ORT 1T | onnxrun 2T | ORT 2T | onnxrun / ORT 2T '
           '| onnxrun 2T speed-up | ORT 2T speed-up | ORT model_run 1T |',
           '|---|---|---|---|---|---|---|---|---|---|']
    for case in cases:
        a1, b1 = res.median(case, 1, 'onnxrun'), res.median(case, 1, 'ort')
        a2, b2 = res.median(case, 2, 'onnxrun'), res.median(case, 2, 'ort')
        out.append('| %s | %s | %s | **%s** | %s | %s | **%s** | %s | %s | %s |' % (
            case, fmt_us(a1), fmt_us(b1), fmt_ratio(res.ratio(case, 1)), fmt_us(a2), fmt_us(b2),
            fmt_ratio(res.ratio(case, 2)), fmt_ratio(a1 / a2 if a1 and a2 else None),
            fmt_ratio(b1 / b2 if b1 and b2 else None), fmt_us(res.internal(case))))
    r1 = [res.ratio(c, 1) for c in cases if res.ratio(c, 1)]
    r2 = [res.ratio(c, 2) for c in cases if res.ratio(c, 2)]
    out.append('| **geomean** | | | **%s** | | | **%s** | | | |' % (fmt_ratio(geomean(r1)), fmt_ratio(geomean(r2))))
    return '\n'.join(out)


def section_load(res):
    rows = []
    for case in res.loads():
        a, b = res.engine(case, 'load', 'onnxrun'), res.engine(case, 'load', 'ort')
        if not a or not b:
            continue
        size = a[0].get('file_bytes') or 0
        mib = 1024 * 1024
        ra = max(r['peak_rss_kib'] for r in a) * 1024
        rb = max(r['peak_rss_kib'] for r in b) * 1024
        base = statistics.median(r['rss_before_kib'] for r in b) * 1024
        rows.append('| %s | %.0f MiB | %s | %s | %s | %.0f MiB (**%s**) | %.0f MiB (%s) | %.0f MiB |' % (
            case, size / mib, fmt_us(statistics.median(r['load_us'] for r in a)),
            fmt_us(statistics.median(r['session_us'] for r in a)), fmt_us(statistics.median(r['load_us'] for r in b)),
            ra / mib, fmt_ratio(ra / size if size else None), rb / mib, fmt_ratio(rb / size if size else None),
            base / mib))
    if not rows:
        return ''
    return '\n'.join(['| model | file | onnxrun load | onnxrun session | ORT session create | onnxrun peak RSS '
                      '(x file) | ORT peak RSS (x file) | node + ORT before the session |',
                      '|---|---|---|---|---|---|---|---|'] + rows)


def section_profile(res):
    profs = [(c, res.data[(c, t)].get('profile', [None])[0]) for c, t in res.order if t == 'profile']
    profs = [(c, p) for c, p in profs if p and p.get('ops')]
    if not profs:
        return ''
    out = ['| case | op types (% of node time) |', '|---|---|']
    for c, p in profs:
        out.append('| %s | %s |' % (c, ', '.join('%s %.1f%%' % (o['op_type'], o['pct']) for o in p['ops'][:5])))
    return '\n'.join(out)


def mark(ok):
    return 'met' if ok else '**not met**'


def section_targets(res):
    out = ['| target (issue 4) | measured | status |', '|---|---|---|']
    pools = [c for c in res.cases(pool=True) if not c.startswith('overhead')]
    if pools:
        r = [(c, res.ratio(c, 1)) for c in pools if res.ratio(c, 1)]
        f = [(c, res.floor_ratio(c, 1)) for c in pools if res.floor_ratio(c, 1)]
        if r:
            w = max(r, key=lambda x: x[1])
            out.append('| every pooling case <= %.2fx ORT, 1 thread | worst %.2f (%s) | %s |' % (
                POOL_VS_ORT, w[1], w[0], mark(w[1] <= POOL_VS_ORT)))
        if f:
            w = max(f, key=lambda x: x[1])
            out.append('| every pooling case within %.0fx of the memory floor, 1 thread | worst %.2f (%s) | %s |' % (
                POOL_VS_FLOOR, w[1], w[0], mark(w[1] <= POOL_VS_FLOOR)))
    models = res.cases(pool=False)
    r = [(c, res.ratio(c, 1)) for c in models if res.ratio(c, 1)]
    if r:
        g = geomean([x for _, x in r])
        w = max(r, key=lambda x: x[1])
        out.append('| models geomean <= %.2fx ORT, 1 thread | %.2f | %s |' % (MODEL_GEOMEAN, g, mark(g <= MODEL_GEOMEAN)))
        out.append('| no model > %.1fx ORT, 1 thread | worst %.2f (%s) | %s |' % (
            MODEL_MAX, w[1], w[0], mark(w[1] <= MODEL_MAX)))
        sp = [(c, res.median(c, 1, 'onnxrun') / res.median(c, 2, 'onnxrun')) for c in models
              if res.median(c, 1, 'onnxrun') and res.median(c, 2, 'onnxrun')]
        if sp:
            w = min(sp, key=lambda x: x[1])
            out.append('| 2 threads speed up every model | smallest 1T/2T %.2f (%s) | %s |' % (
                w[1], w[0], mark(w[1] > 1.0)))
    for case in res.loads():
        a = res.engine(case, 'load', 'onnxrun')
        if a and a[0].get('file_bytes'):
            x = max(r['peak_rss_kib'] for r in a) * 1024 / a[0]['file_bytes']
            out.append('| %s peak RSS <= %.1fx file size | %.2f | %s |' % (case, RSS_VS_FILE, x, mark(x <= RSS_VS_FILE)))
    return '\n'.join(out) if len(out) > 2 else ''


SECTIONS = [
    ('info', None, section_info),
    ('pool', 'Pooling, single op (float32 NCHW):', section_pool),
    ('models', 'Whole models (batch 1, float32):', section_models),
    ('load', 'Model load and peak RSS (onnxrun: `onr_model_load_file` then `onr_session_new`; ORT: '
             '`InferenceSession.create`, which also optimizes the graph; peak RSS of the whole process after '
             'one run, getrusage):', section_load),
    ('profile', 'Where onnxrun spends its time (profiled session, 1 thread; top op types):', section_profile),
    ('targets', 'Targets:', section_targets),
]


def sections(outdir):
    res = Results(outdir)
    return [(name, title, fn(res)) for name, title, fn in SECTIONS]


def write_tsv(outdir):
    res = Results(outdir)
    tsv = ['case\tthreads\tonnxrun_us\tort_us\tratio\tfloor_us\tonnxrun_floor\tort_floor\tonnxrun_min_us\tort_min_us']
    for case in res.cases(pool=True) + res.cases(pool=False):
        for t in res.threads(case):
            a, b, fl = res.median(case, t, 'onnxrun'), res.median(case, t, 'ort'), res.floor(case, t)
            tsv.append('\t'.join(str(x if x is not None else '') for x in (
                case, t, a, b, res.ratio(case, t), fl, res.floor_ratio(case, t), b / fl if b and fl else None,
                res.min(case, t, 'onnxrun'), res.min(case, t, 'ort'))))
    with open(os.path.join(outdir, 'table.tsv'), 'w') as f:
        f.write('\n'.join(tsv) + '\n')


def table(outdir):
    write_tsv(outdir)
    for name, title, body in sections(outdir):
        if body:
            print((title + '\n\n' if title else '') + body + '\n')


BEGIN, END = '<!-- bench:%s:begin -->', '<!-- bench:%s:end -->'


def update(outdir, doc):
    """Replaces the text between <!-- bench:NAME:begin --> and <!-- bench:NAME:end --> in doc by this run's
    section NAME, for every section this run has data for (a --no-models run leaves the model blocks alone)."""
    with open(doc) as f:
        text = f.read()
    done = []
    for name, _title, body in sections(outdir):
        b, e = BEGIN % name, END % name
        if not body or b not in text or e not in text:
            continue
        i, j = text.index(b) + len(b), text.index(e)
        text = text[:i] + '\n' + body + '\n' + text[j:]
        done.append(name)
    with open(doc, 'w') as f:
        f.write(text)
    print('bench_table: updated %s blocks: %s' % (doc, ', '.join(done) or 'none'), file=sys.stderr)


def plot(outdir):
    rows = []
    with open(os.path.join(outdir, 'table.tsv')) as f:
        next(f)
        for line in f:
            c = line.rstrip('\n').split('\t')
            rows.append(c)
    cases = []
    for c in rows:
        if c[0] not in cases:
            cases.append(c[0])
    by = {(c[0], c[1]): c for c in rows}
    dat = os.path.join(outdir, 'bench.dat')
    with open(dat, 'w') as f:
        f.write('# case onnxrun/ORT@1 onnxrun/ORT@2 onnxrun/floor@1 ORT/floor@1\n')
        for i, case in enumerate(cases):
            def g(t, col):
                r = by.get((case, str(t)))
                return r[col] if r and r[col] else 'NaN'
            f.write('%d "%s" %s %s %s %s\n' % (i, case, g(1, 4), g(2, 4), g(1, 6), g(1, 7)))
    gp = os.path.join(outdir, 'bench.gp')
    with open(gp, 'w') as f:
        f.write('''set terminal pngcairo size 1400,900 font ",10"
set output "%(png)s"
set multiplot layout 2,1
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30 left noenhanced
set grid ytics
set key top left
set title "onnxrun median / ONNX Runtime median (lower is better; 1.0 = parity)"
set ylabel "ratio"
set logscale y 2
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "red" front
plot "%(dat)s" using 3:xtic(2) title "1 thread", "" using 4 title "2 threads"
unset arrow 1
set title "median / memory floor, 1 thread (read input + write output at measured bandwidth; lower is better)"
set logscale y 2
set yrange [0.5:*]
set arrow 2 from graph 0, first 2 to graph 1, first 2 nohead lw 2 lc rgb "red" front
plot "%(dat)s" using 5:xtic(2) title "onnxrun", "" using 6 title "ONNX Runtime"
unset multiplot
''' % {'png': os.path.join(outdir, 'bench.png'), 'dat': dat})


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd = sys.argv[1]
    if cmd == 'pb2npy' and len(sys.argv) == 4:
        pb2npy(sys.argv[2], sys.argv[3])
    elif cmd == 'table':
        table(sys.argv[2])
    elif cmd == 'update' and len(sys.argv) == 4:
        update(sys.argv[2], sys.argv[3])
    elif cmd == 'plot':
        plot(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
