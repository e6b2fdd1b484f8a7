#!/bin/sh
# run_bench.sh BUILD_DIR [--rounds N] [--seconds S] [--threads "1 2"] [--only REGEX] [--out DIR]
#              [--no-models] [--no-pool] [--no-load] [--update-doc] [--openblas-env]
#
# onnxrun against ONNX Runtime (onnxruntime-node, CPU), side by side on the same model files and the same
# input files: the single-op pooling cases of make_pool_cases.py, then the MNIST CNN (models/mnist) and the
# torchvision models that models/export_torchvision.py cached in BUILD_DIR/models (resnet18, squeezenet1_1,
# mobilenet_v2, googlenet; each only when present). Not a test: it asserts nothing about time.
#
# Method. For every case and thread count (default 1 and 2) the two engines run INTERLEAVED: N rounds
# (default 5), each round one `onnxrun bench` and one `node ort_bench.js` process of S/N seconds (default
# S = 2) after their warm-up, the order flipped every round so drift (other load, turbo, cache state)
# hits both alike. An engine's median is the median of its per-round medians. ORT runs with
# intraOpNumThreads = N, interOpNumThreads = 1, sequential execution, all graph optimizations; onnxrun with
# --threads N. The memory floor of a pooling case is the time of reading its input once and writing its
# output once over buffers of the same sizes (bwprobe.c, built here with -O3 -march=native -pthread),
# measured in the same rounds. After the rounds, one profiled `onnxrun bench` per case (time per op type)
# and one `ort_bench.js --internal` (ORT's own "model_run" time, without the JS binding).
#
# Load: for resnet18 and vgg11 (BUILD_DIR/models/NAME/model.onnx, when present; vgg11 is a 507 MiB file)
# 3 interleaved rounds of one process per engine that loads, makes a session and runs once (--runs 1
# --warmup 0): load time, session time and the process's peak RSS, against the file's size. --no-load
# skips this.
#
# Results: OUT/results.jsonl (every process's JSON), OUT/table.md (the tables), OUT/bench.png (gnuplot,
# when installed). OUT defaults to BUILD_DIR/bench. --update-doc then rewrites the generated blocks of
# BENCHMARKS.md in place (bench_table.py update: only the blocks this run has data for) and copies the plot
# to doc/benchmarks.png, so refreshing the published numbers is this one command.
#
# Needs: node + npm (the onnxruntime-node package is installed here on first use with
# ONNXRUNTIME_NODE_INSTALL=skip: its CPU binary ships inside the npm package, nothing else is downloaded),
# Debian's /usr/bin/python3 with python3-onnx and python3-numpy, a C compiler (cc), and
# optionally gnuplot (Debian gnuplot-nox) for the plot.
set -eu

usage() {
    sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 1 ] || usage
case $1 in -h | --help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=5
seconds=2
threads="1 2"
only=""
out=""
models=1
pool=1
loads=1
update_doc=0
keep_openblas_env=0
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-models) models=0; shift ;;
    --no-pool) pool=0; shift ;;
    --no-load) loads=0; shift ;;
    --update-doc) update_doc=1; shift ;;
    --openblas-env) keep_openblas_env=1; shift ;;
    *) usage ;;
    esac
done
out=${out:-$build/bench}
PY=${PYTHON:-/usr/bin/python3}
# OpenBLAS picks its kernels for the CPU it finds. Some machines (this project's CI and development hosts
# among them) force OPENBLAS_CORETYPE in the environment to work around old OpenBLAS builds; a user's
# machine does not, so the benchmark measures what OpenBLAS chooses by itself. --openblas-env keeps the
# variables as they are. The kernel in use is printed below either way.
if [ "$keep_openblas_env" = 0 ]; then
    unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
fi
openblas_core=$(OPENBLAS_VERBOSE=2 "$build/src/cli/onnxrun" --version 2>&1 | sed -n 's/^Core: *//p' | head -n 1)
onnxrun=$build/src/cli/onnxrun
per=$(awk -v s="$seconds" -v r="$rounds" 'BEGIN { printf "%.3f", s / r }')

[ -x "$onnxrun" ] || { echo "run_bench: $onnxrun not found: build first (ninja -C $build)" >&2; exit 1; }
command -v node >/dev/null || { echo "run_bench: node not found (Debian: nodejs, npm)" >&2; exit 1; }
mkdir -p "$out/cases" "$out/inputs"

if [ ! -f "$here/node_modules/onnxruntime-node/package.json" ]; then
    echo "run_bench: installing onnxruntime-node into $here/node_modules" >&2
    (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >&2)
fi
ort_version=$(node -p "require('$here/node_modules/onnxruntime-node/package.json').version")

cc=${CC:-cc}
"$cc" -O3 -march=native -pthread -fno-tree-loop-distribute-patterns -o "$out/bwprobe" "$here/bwprobe.c"

# case list: name <TAB> model <TAB> input file <TAB> bytes_in <TAB> bytes_out  (bytes "-" = no floor)
list=$out/cases.list
: >"$list"
if [ $pool = 1 ]; then
    "$PY" "$here/make_pool_cases.py" "$out/cases"
    tail -n +2 "$out/cases/cases.tsv" | while IFS="$(printf '\t')" read -r name _op _is _os bin bout; do
        printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$out/cases/$name/model.onnx" "$out/cases/$name/x.npy" "$bin" "$bout" >>"$list"
    done
fi
if [ $models = 1 ]; then
    add_model() { # name model.onnx input.pb
        [ -f "$2" ] && [ -f "$3" ] || return 0
        "$PY" "$here/bench_table.py" pb2npy "$3" "$out/inputs/$1.npy"
        printf '%s\t%s\t%s\t-\t-\n' "$1" "$2" "$out/inputs/$1.npy" >>"$list"
    }
    add_model mnist "$root/models/mnist/model.onnx" "$root/models/mnist/test_data_set_0/input_0.pb"
    for m in resnet18 squeezenet1_1 mobilenet_v2 googlenet; do
        add_model "$m" "$build/models/$m/model.onnx" "$build/models/$m/test_data_set_0/input_0.pb"
    done
fi
if [ -n "$only" ]; then
    grep -E "^($only)	" "$list" >"$list.tmp" || true
    mv "$list.tmp" "$list"
fi

results=$out/results.jsonl
: >"$results"
tag() { # engine threads round case json
    printf '{"engine": "%s", "threads": %s, "round": %s, "case": "%s", "r": %s}\n' "$1" "$2" "$3" "$4" "$5" >>"$results"
}
{
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "onnxrun: $("$onnxrun" --version)   onnxruntime-node: $ort_version   node: $(node --version)   OpenBLAS kernel: ${openblas_core:-none (portable GEMM)}"
    echo "rounds: $rounds x $per s per engine per case   threads: $threads   load: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/run_info.txt" >&2

run_onnxrun() { # name model input threads round
    o=$("$onnxrun" bench "$2" -i "$3" --threads "$4" --seconds "$per" --warmup 3 --no-profile --json </dev/null) ||
        { echo "run_bench: onnxrun failed on $1" >&2; o=null; }
    tag onnxrun "$4" "$5" "$1" "$o"
}
run_ort() {
    o=$(node "$here/ort_bench.js" "$2" -i "$3" --threads "$4" --seconds "$per" --warmup 3 --json </dev/null) ||
        { echo "run_bench: ORT failed on $1" >&2; o=null; }
    tag ort "$4" "$5" "$1" "$o"
}
ncases=$(wc -l <"$list")
i=0
while IFS="$(printf '\t')" read -r name model input bin bout; do
    i=$((i + 1))
    for t in $threads; do
        printf '[%d/%d] %s, %s thread(s)\n' "$i" "$ncases" "$name" "$t" >&2
        r=1
        while [ $r -le "$rounds" ]; do
            # alternate which engine goes first, so drift (other load, clocks, cache state) hits both alike
            if [ $((r % 2)) = 1 ]; then
                run_onnxrun "$name" "$model" "$input" "$t" "$r"
                run_ort "$name" "$model" "$input" "$t" "$r"
            else
                run_ort "$name" "$model" "$input" "$t" "$r"
                run_onnxrun "$name" "$model" "$input" "$t" "$r"
            fi
            if [ "$bin" != "-" ]; then
                f=$("$out/bwprobe" --threads "$t" --seconds 0.2 "$bin" "$bout")
                tag floor "$t" "$r" "$name" "$f"
            fi
            r=$((r + 1))
        done
    done
    # one profiled onnxrun run per case for the per-op breakdown, one ORT run with its own profiler
    p=$("$onnxrun" bench "$model" -i "$input" --threads 1 --seconds 0.5 --warmup 1 --json </dev/null) || p=null
    tag profile 1 0 "$name" "$p"
    p=$(node "$here/ort_bench.js" "$model" -i "$input" --threads 1 --seconds 0.5 --warmup 1 --internal --json \
        </dev/null) || p=null
    tag ort_internal 1 0 "$name" "$p"
done <"$list"

# model load time and peak RSS: one process per engine and round, loads + session + one run
if [ $loads = 1 ]; then
    for m in resnet18 vgg11; do
        f=$build/models/$m/model.onnx
        [ -f "$f" ] || continue
        [ -n "$only" ] && ! printf '%s\n' "$m" | grep -Eq "^($only)$" && continue
        bytes=$(wc -c <"$f")
        r=1
        while [ $r -le 3 ]; do
            printf '[load] %s (%s bytes), round %d\n' "$m" "$bytes" "$r" >&2
            for e in onnxrun ort; do
                if [ $e = onnxrun ]; then
                    o=$("$onnxrun" bench "$f" --threads 1 --runs 1 --warmup 0 --no-profile --json </dev/null) || o=null
                else
                    o=$(node "$here/ort_bench.js" "$f" --threads 1 --runs 1 --warmup 0 --json </dev/null) || o=null
                fi
                [ "$o" = null ] && echo "run_bench: $e failed to load $m" >&2
                [ "$o" != null ] && o=$(printf '%s' "$o" | sed "s/}\$/, \"file_bytes\": $bytes}/")
                tag "load_$e" 1 "$r" "$m" "$o"
            done
            r=$((r + 1))
        done
    done
fi

"$out/bwprobe" --threads 1 --dram >"$out/dram_1.json"
"$out/bwprobe" --threads 2 --dram >"$out/dram_2.json"
"$PY" "$here/bench_table.py" table "$out" | tee "$out/table.md"
if command -v gnuplot >/dev/null; then
    "$PY" "$here/bench_table.py" plot "$out" && gnuplot "$out/bench.gp" && echo "plot: $out/bench.png" >&2
fi
if [ $update_doc = 1 ]; then
    "$PY" "$here/bench_table.py" update "$out" "$root/BENCHMARKS.md"
    if [ -f "$out/bench.png" ] && [ -z "$only" ]; then
        mkdir -p "$root/doc" && cp "$out/bench.png" "$root/doc/benchmarks.png" && echo "plot: doc/benchmarks.png" >&2
    fi
fi
