#!/usr/bin/env node
// ort_bench.js: time ONNX Runtime (onnxruntime-node, CPU execution provider) on one model the way
// `onnxrun bench` times onnxrun, so tests/bench/run_bench.sh can put the two side by side.
//
//   node ort_bench.js MODEL [-i NAME=FILE.npy]... [--threads N] [--seconds S] [--warmup N] [--runs N]
//                     [--internal] [--json]
//
// Session: intraOpNumThreads N (default 1), interOpNumThreads 1, sequential execution, graph optimizations
// 'all' (ORT's default for the CPU provider). Inputs: .npy files (float32/64, int32/64, uint8, int8, bool);
// an input without -i gets uniform [-1, 1) data of its declared shape (symbolic dims = 1), not the values
// `onnxrun bench` would generate, so the driver always passes files.
//
// Timing: `warmup` untimed runs, then runs for S seconds (at least 5) or exactly --runs N; each run is
// `await session.run(feeds, fetches)` timed with process.hrtime, so the JS binding's per-run cost (a
// setImmediate hop, N-API conversion of feeds and results) is included. Outputs are preallocated once and
// passed as fetches, so ORT writes into them and no output buffer is allocated per run. With --internal a
// second session runs with ORT's profiler on for the same time and `internal_median_us` is the median of
// its "model_run" events: ORT's own time per run without the JS layer.
//
// --json prints one object: median_us, min_us, p90_us, mean_us, runs, threads, load_us (session create),
// rss_before_kib (node + ORT loaded, no session), peak_rss_kib (process peak), internal_median_us.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');

function usage(msg) {
    if (msg) process.stderr.write(`ort_bench: ${msg}\n`);
    process.stderr.write('usage: node ort_bench.js MODEL [-i NAME=FILE.npy]... [--threads N] [--seconds S] ' +
                         '[--warmup N] [--runs N] [--internal] [--json]\n');
    process.exit(2);
}

function parseArgs(argv) {
    const a = {model: null, inputs: [], threads: 1, seconds: 3, warmup: 5, runs: 0, internal: false, json: false};
    for (let i = 0; i < argv.length; i++) {
        const s = argv[i];
        const val = () => {
            if (i + 1 >= argv.length) usage(`${s} needs a value`);
            return argv[++i];
        };
        if (s === '-i' || s === '--input') a.inputs.push(val());
        else if (s === '--threads') a.threads = parseInt(val(), 10);
        else if (s === '--seconds') a.seconds = parseFloat(val());
        else if (s === '--warmup') a.warmup = parseInt(val(), 10);
        else if (s === '--runs') a.runs = parseInt(val(), 10);
        else if (s === '--internal') a.internal = true;
        else if (s === '--json') a.json = true;
        else if (s.startsWith('-')) usage(`unknown option ${s}`);
        else if (!a.model) a.model = s;
        else usage('one MODEL only');
    }
    if (!a.model) usage('MODEL is missing');
    if (!(a.threads >= 1) || !(a.seconds >= 0) || !(a.warmup >= 0) || !(a.runs >= 0)) usage('bad number');
    return a;
}

// .npy v1/v2/v3 reader: little-endian or byte-order-free descr, C order only.
const NPY_TYPES = {
    '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '<i4': ['int32', Int32Array],
    '<i8': ['int64', BigInt64Array], '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
    '<i2': ['int16', Int16Array], '<u2': ['uint16', Uint16Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
    const buf = fs.readFileSync(file);
    if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
    const major = buf[6];
    const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
    const hstart = major === 1 ? 10 : 12;
    const header = buf.toString('latin1', hstart, hstart + hlen);
    const descr = /'descr':\s*'([^']+)'/.exec(header);
    const fortran = /'fortran_order':\s*(True|False)/.exec(header);
    const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
    if (!descr || !fortran || !shape) throw new Error(`${file}: unreadable .npy header`);
    if (fortran[1] === 'True') throw new Error(`${file}: Fortran-order arrays are not supported`);
    const t = NPY_TYPES[descr[1]];
    if (!t) throw new Error(`${file}: element type ${descr[1]} is not supported`);
    const dims = shape[1].split(',').map((x) => x.trim()).filter((x) => x.length).map((x) => parseInt(x, 10));
    const count = dims.reduce((p, d) => p * d, 1);
    const start = hstart + hlen;
    const bytes = buf.subarray(start, start + count * t[1].BYTES_PER_ELEMENT);
    const copy = new Uint8Array(bytes.length); // aligned copy for the typed array view
    copy.set(bytes);
    let data = new t[1](copy.buffer, 0, count);
    if (t[0] === 'bool') data = new Uint8Array(copy.buffer, 0, count);
    return new ort.Tensor(t[0], data, dims);
}

const ORT_TYPES = {
    1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16',
    11: 'float64',
};
const ARRAYS = {
    float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array,
    int8: Int8Array, int16: Int16Array, uint16: Uint16Array, bool: Uint8Array, float16: Uint16Array,
};

function typeName(meta) {
    return typeof meta.type === 'string' ? meta.type : ORT_TYPES[meta.type];
}

function randomTensor(meta) {
    const type = typeName(meta);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
    const n = dims.reduce((p, d) => p * d, 1);
    const A = ARRAYS[type];
    if (!A) throw new Error(`input ${meta.name}: type ${type} needs -i`);
    const data = new A(n);
    if (type === 'float32' || type === 'float64') {
        let s = 12345;
        for (let i = 0; i < n; i++) {
            s = (s * 1103515245 + 12345) >>> 0;
            data[i] = s / 2147483648 - 1;
        }
    }
    return new ort.Tensor(type, data, dims);
}

function stats(t) {
    const s = [...t].sort((a, b) => a - b);
    const n = s.length;
    const median = n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    const p90 = s[Math.max(0, Math.ceil(0.9 * n) - 1)];
    return {median, min: s[0], p90, mean: s.reduce((p, x) => p + x, 0) / n, max: s[n - 1]};
}

function nowUs() {
    return Number(process.hrtime.bigint()) / 1e3;
}

async function makeSession(a, profile, prefix) {
    const opt = {
        executionProviders: ['cpu'], intraOpNumThreads: a.threads, interOpNumThreads: 1,
        executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3,
    };
    if (profile) {
        opt.enableProfiling = true;
        opt.profileFilePrefix = prefix;
    }
    return ort.InferenceSession.create(a.model, opt);
}

async function main() {
    const a = parseArgs(process.argv.slice(2));
    const rssBefore = process.resourceUsage().maxRSS;
    let t0 = nowUs();
    const session = await makeSession(a, false);
    const loadUs = nowUs() - t0;

    const feeds = {};
    for (const spec of a.inputs) {
        const eq = spec.indexOf('=');
        let name;
        let file;
        if (eq > 0 && session.inputNames.includes(spec.slice(0, eq))) {
            name = spec.slice(0, eq);
            file = spec.slice(eq + 1);
        } else if (session.inputNames.length === 1) {
            name = session.inputNames[0];
            file = spec;
        } else {
            usage(`-i ${spec}: no such input`);
        }
        feeds[name] = readNpy(file);
    }
    const meta = session.inputMetadata || [];
    for (const name of session.inputNames) {
        if (feeds[name]) continue;
        const m = meta.find((x) => x.name === name);
        if (!m || !m.isTensor) throw new Error(`input ${name}: give it with -i`);
        feeds[name] = randomTensor(m);
    }

    // Preallocate outputs from a first run's shapes, then reuse them as fetches.
    const first = await session.run(feeds);
    const fetches = {};
    for (const name of session.outputNames) {
        const r = first[name];
        fetches[name] = new ort.Tensor(r.type, new ARRAYS[r.type](r.data.length), r.dims);
    }
    for (let i = 0; i < a.warmup; i++) await session.run(feeds, fetches);

    const times = [];
    const start = nowUs();
    for (;;) {
        if (a.runs ? times.length >= a.runs : times.length >= 5 && nowUs() - start >= a.seconds * 1e6) break;
        t0 = nowUs();
        await session.run(feeds, fetches);
        times.push(nowUs() - t0);
    }
    await session.release();

    let internal = null;
    if (a.internal) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-prof-'));
        const ps = await makeSession(a, true, path.join(dir, 'prof'));
        for (let i = 0; i <= a.warmup; i++) await ps.run(feeds, fetches);
        const pstart = nowUs();
        let n = 0;
        while (a.runs ? n < a.runs : n < 5 || nowUs() - pstart < a.seconds * 1e6) {
            await ps.run(feeds, fetches);
            n++;
        }
        ps.endProfiling();
        await ps.release();
        const files = fs.readdirSync(dir);
        const events = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
        const runs = events.filter((e) => e.name === 'model_run').map((e) => e.dur);
        // the warm-up runs come first: keep the timed ones
        internal = stats(runs.slice(a.warmup + 1));
        fs.rmSync(dir, {recursive: true, force: true});
    }

    const st = stats(times);
    const res = {
        model: a.model, engine: 'onnxruntime-node ' + (ort.env.versions ? ort.env.versions.common : ''),
        threads: a.threads, warmup: a.warmup, runs: times.length,
        median_us: st.median, min_us: st.min, p90_us: st.p90, mean_us: st.mean, max_us: st.max,
        load_us: loadUs, rss_before_kib: rssBefore, peak_rss_kib: process.resourceUsage().maxRSS,
    };
    if (internal) {
        res.internal_median_us = internal.median;
        res.internal_min_us = internal.min;
    }
    if (a.json) {
        process.stdout.write(JSON.stringify(res) + '\n');
    } else {
        const f = (us) => (us >= 1000 ? `${(us / 1000).toFixed(3)} ms` : `${us.toFixed(1)} us`);
        process.stdout.write(`model:    ${a.model}\nthreads:  ${a.threads}\nload:     ${f(loadUs)}   ` +
                             `peak RSS: ${(res.peak_rss_kib / 1024).toFixed(1)} MiB\n` +
                             `runs:     ${times.length} timed after ${a.warmup} warm-up\n` +
                             `latency:  median ${f(st.median)}   min ${f(st.min)}   p90 ${f(st.p90)}\n`);
        if (internal) process.stdout.write(`ORT model_run: median ${f(internal.median)}   min ${f(internal.min)}\n`);
    }
}

main().catch((e) => {
    process.stderr.write(`ort_bench: ${e && e.message ? e.message : e}\n`);
    process.exit(1);
});
