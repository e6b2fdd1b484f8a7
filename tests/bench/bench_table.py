#!/usr/bin/python3
"""bench_table.py: the Python side of run_bench.sh (Debian's /usr/bin/python3; numpy and onnx only for pb2npy).

    bench_table.py pb2npy IN.pb OUT.npy   TensorProto -> .npy, so ORT's node script reads the same input file
    bench_table.py table OUTDIR           OUTDIR/results.jsonl -> markdown tables on stdout, OUTDIR/table.tsv
    bench_table.py plot OUTDIR            OUTDIR/table.tsv -> OUTDIR/bench.gp (gnuplot script for bench.png)

An engine's median for a case is the median of its per-round medians (each round is one process that ran for
S/N seconds after warm-up); min is the smallest single run seen. The memory floor is the median over rounds of
bwprobe's floor_us (read the input once + write the output once over buffers of the case's sizes); the floor
with t threads is the smallest of the 1..t thread probes (an op may run on fewer threads than it is given).
"""
import json
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
        if r['engine'] == 'profile':
            key = (r['case'], 'profile')
        if key not in data:
            data[key] = {}
            order.append(key)
        if r['r'] is not None:
            data[key].setdefault(r['engine'], []).append(r['r'])
    return order, data


def fmt_us(us):
    if us is None:
        return '-'
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


def table(outdir):
    rows = load(outdir)
    order, data = collect(rows)
    info_path = os.path.join(outdir, 'run_info.txt')
    if os.path.exists(info_path):
        with open(info_path) as f:
            print(''.join('    ' + l for l in f))
    dram = []
    for t in (1, 2):
        p = os.path.join(outdir, 'dram_%d.json' % t)
        if os.path.exists(p):
            with open(p) as f:
                d = json.load(f)
            dram.append('%d thread(s): read %.1f GB/s, write %.1f GB/s' % (t, d['read_gbs'], d['write_gbs']))
    if dram:
        print('Memory bandwidth over 1 GiB buffers (bwprobe --dram): ' + '; '.join(dram) + '.\n')

    tsv = ['case\tthreads\tonnxrun_us\tort_us\tratio\tfloor_us\tonnxrun_floor\tort_floor\tonnxrun_min_us\tort_min_us']
    print('| case | threads | onnxrun median | ORT median | onnxrun / ORT | memory floor | onnxrun / floor '
          '| ORT / floor | onnxrun min | ORT min |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for key in order:
        case, t = key
        if t == 'profile':
            continue
        e = data[key]
        a, b = summary(e.get('onnxrun', [])), summary(e.get('ort', []))
        amin = min((r['min_us'] for r in e.get('onnxrun', []) if r), default=None)
        bmin = min((r['min_us'] for r in e.get('ort', []) if r), default=None)
        # the floor with t threads: the best of 1..t threads' probes (an op may run on fewer threads)
        fls = [summary(data.get((case, u), {}).get('floor', []), 'floor_us') for u in range(1, t + 1)]
        fls = [f for f in fls if f]
        fl = min(fls) if fls else None
        ratio = a / b if a and b else None
        rf = a / fl if a and fl else None
        of = b / fl if b and fl else None
        print('| %s | %d | %s | %s | **%s** | %s | %s | %s | %s | %s |' % (
            case, t, fmt_us(a), fmt_us(b), fmt_ratio(ratio), fmt_us(fl), fmt_ratio(rf), fmt_ratio(of),
            fmt_us(amin), fmt_us(bmin)))
        tsv.append('\t'.join(str(x if x is not None else '') for x in
                             (case, t, a, b, ratio, fl, rf, of, amin, bmin)))
    with open(os.path.join(outdir, 'table.tsv'), 'w') as f:
        f.write('\n'.join(tsv) + '\n')

    # model load time and peak RSS (resnet18 first, when present)
    loads = []
    for key in order:
        case, t = key
        if t != 1 or case not in ('resnet18', 'mobilenet_v2', 'squeezenet1_1', 'googlenet', 'mnist'):
            continue
        e = data[key]
        a, b = [r for r in e.get('onnxrun', []) if r], [r for r in e.get('ort', []) if r]
        if not a or not b:
            continue
        loads.append('| %s | %s | %s | %.0f MiB | %.0f MiB (node + ORT before the session: %.0f MiB) |' % (
            case, fmt_us(statistics.median(r['load_us'] for r in a)), fmt_us(statistics.median(r['load_us'] for r in b)),
            max(r['peak_rss_kib'] for r in a) / 1024, max(r['peak_rss_kib'] for r in b) / 1024,
            statistics.median(r['rss_before_kib'] for r in b) / 1024))
    if loads:
        print('\nModel load (onnxrun: onr_model_load_file; ORT: InferenceSession.create, which also optimizes the '
              'graph) and peak RSS of the whole process (getrusage), 1 thread:\n')
        print('| model | onnxrun load | ORT load | onnxrun peak RSS | ORT peak RSS |')
        print('|---|---|---|---|---|')
        print('\n'.join(loads))

    profs = [(k[0], data[k].get('profile', [None])[0]) for k in order if k[1] == 'profile']
    profs = [(c, p) for c, p in profs if p and p.get('ops')]
    if profs:
        print('\nWhere onnxrun spends its time (profiled session, 1 thread; top op types, % of node time):\n')
        print('| case | op types |')
        print('|---|---|')
        for c, p in profs:
            ops = ', '.join('%s %.1f%%' % (o['op_type'], o['pct']) for o in p['ops'][:5])
            print('| %s | %s |' % (c, ops))


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
    elif cmd == 'plot':
        plot(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
