#!/bin/sh
# run_conformance.sh: runs `onnxrun test` over ONNX backend test folders selected by shell globs, since
# meson passes arguments literally. Used by tests/conformance/meson.build.
#
#   run_conformance.sh [--wrap 'CMD ARGS'] ONNXRUN DATADIR [--expected-failures FILE] PATTERN...
#
# --wrap runs onnxrun under CMD (split on spaces), e.g. valgrind with its options.
# Each PATTERN is a glob relative to DATADIR (e.g. 'node/test_*pool*'); one that matches nothing is an
# error, so a renamed test cannot silently drop out. Exits 77 (meson's "skipped") when DATADIR is missing.
set -eu
wrap=
if [ "${1:-}" = --wrap ]; then
    wrap=$2
    shift 2
fi
onnxrun=$1
data=$2
shift 2
xf=
if [ "${1:-}" = --expected-failures ]; then
    xf=$2
    shift 2
fi
if [ ! -d "$data" ]; then
    echo "no ONNX test data at $data (apt-get install libonnx-testdata, or meson -Dtestdata=DIR)"
    exit 77
fi
if [ $# -eq 0 ]; then
    echo "run_conformance.sh: no PATTERN given" >&2
    exit 2
fi
first=1
for pat in "$@"; do # the word list is expanded once, so rebuilding "$@" below is safe
    if [ $first = 1 ]; then
        set --
        first=0
    fi
    matched=0
    for f in "$data"/$pat; do
        [ -e "$f" ] || continue
        set -- "$@" "$f"
        matched=1
    done
    if [ $matched = 0 ]; then
        echo "run_conformance.sh: '$pat' matches nothing under $data" >&2
        exit 2
    fi
done
if [ -n "$xf" ]; then
    set -- "$@" --expected-failures "$xf"
fi
# shellcheck disable=SC2086 # $wrap is a command line to split
exec $wrap "$onnxrun" test "$@"
