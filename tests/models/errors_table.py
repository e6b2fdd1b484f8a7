#!/usr/bin/python3
"""Print the per-model error table written by check_models.py (BUILD/models/errors.tsv) as the markdown table
of models/README.md: model, PyTorch parameter count, max|want|, max|got - want|, their ratio (the max relative
error the pass rule bounds by 1e-4) and the onnxrun run time. Rows sorted by model name, committed models
(mnist, keras_style) first.

Usage: errors_table.py TSV [TSV...]   (later files override earlier ones for the same model)
"""
import csv
import sys

FIRST = ['mnist', 'keras_style']


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows = {}
    for path in sys.argv[1:]:
        with open(path, newline='') as f:
            for r in csv.DictReader(f, delimiter='\t'):
                rows[r['model']] = r
    order = [n for n in FIRST if n in rows] + sorted(n for n in rows if n not in FIRST)
    print('| model | params | max\\|want\\| | max abs error | max rel error | result | onnxrun s |')
    print('|---|--:|--:|--:|--:|---|--:|')
    for n in order:
        r = rows[n]
        params = '%.1fM' % (int(r['params']) / 1e6) if r['params'] else ''
        if params and int(r['params']) < 1e5:
            params = '%.1fk' % (int(r['params']) / 1e3)
        print('| %s | %s | %s | %s | %s | %s | %s |' % (
            n, params, r['max_abs_want'], r['max_abs_err'], r['max_rel_err'], r['status'], r['run_seconds']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
