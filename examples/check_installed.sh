#!/bin/sh
# check_installed.sh MESON BUILD_DIR SOURCE_DIR CC...: what an embedder does with an installed onnxrun.
# Installs BUILD_DIR into a temporary --destdir, checks the installed files (header, library, pkg-config
# file, man page, the onnxrun command), compiles examples/embed.c with `CC -std=c11 -Wall -Wextra
# -Werror` and `pkg-config --cflags --libs onnxrun` (prefix redirected into the destdir), and runs it
# on the tutorial model. Exits 77 (skipped) without pkg-config.
set -eu
meson=$1
build=$2
src=$3
shift 3
command -v pkg-config >/dev/null 2>&1 || { echo "pkg-config is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$meson" install -C "$build" --no-rebuild --destdir "$tmp/root" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; exit 1; }
pc=$(find "$tmp/root" -name onnxrun.pc | head -n 1)
[ -n "$pc" ] || { echo "no onnxrun.pc installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
prefix=$(pkg-config --variable=prefix onnxrun)
root=$tmp/root$prefix
for f in include/onnxrun.h share/man/man1/onnxrun.1 bin/onnxrun; do
    [ -f "$root/$f" ] || { echo "not installed: $prefix/$f"; exit 1; }
done
flags=$(pkg-config --define-variable=prefix="$root" --cflags --libs onnxrun)
libdir=$(pkg-config --define-variable=prefix="$root" --variable=libdir onnxrun)
# shellcheck disable=SC2086 # flags are words
"$@" -std=c11 -Wall -Wextra -Werror "$src/examples/embed.c" $flags -o "$tmp/embed"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    sh "$src/examples/check_embed.sh" "$tmp/embed" "$src/models/tutorial/vertical_line"
LD_LIBRARY_PATH="$libdir" "$root/bin/onnxrun" --version
echo "installed: header, library, onnxrun.pc, man page and command work for an embedder"
