#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The engine must still build with an older libfuse (3.17: no FUSE over io_uring),
# the one distributions have today. Compiles every core/engine source against the
# libfuse unpacked under ROOT (headers and library, e.g. /opt/extract/libfuse-3.17
# in the build root) with the project's warnings as errors, links strata-fuse
# against that library, and checks the binary runs with it and refuses
# transport=uring naming the libfuse version. Exit 77 (skipped) without ROOT.
#
#   check-engine-libfuse.sh ROOT CXX LAUNCHER STATIC_LIB...   (ctest passes these)
set -euo pipefail
root=$1 cxx=$2 launcher=$3
shift 3
src=$(cd "$(dirname "$0")/.." && pwd)
inc=$root/usr/include/fuse3
lib=$(dirname "$(find "$root/usr/lib" -name 'libfuse3.so' -print -quit 2>/dev/null || true)")
if [[ ! -f $inc/fuse_lowlevel.h || ! -f $lib/libfuse3.so ]]; then
    echo "skipped: no libfuse headers and library unpacked under $root"
    exit 77
fi
version=$(sed -n 's/^#define FUSE_MINOR_VERSION \([0-9]*\)/3.\1/p' "$inc/libfuse_config.h")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[[ $launcher == none ]] && launcher=
flags=(-std=c++23 -O0 -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align -Wformat=2 -Werror
       -D_FILE_OFFSET_BITS=64 -D_GNU_SOURCE -DFUSE_USE_VERSION=317 -I"$src/core" -I"$inc")
for f in "$src"/core/engine/*.cpp; do
    $launcher "$cxx" "${flags[@]}" -c "$f" -o "$tmp/$(basename "$f" .cpp).o"
done
# The static libraries the engine builds on (watch for lowerwatch, and what it uses),
# as a group: their order does not matter then.
"$cxx" "$tmp"/*.o -Wl,--start-group "$@" -Wl,--end-group -lmount -L"$lib" -lfuse3 -lpthread -Wl,-rpath,"$lib" -o "$tmp/strata-fuse"
linked=$(ldd "$tmp/strata-fuse" | sed -n 's/.*libfuse3\.so[^ ]* => \([^ ]*\).*/\1/p')
if [[ $(readlink -f "$linked") != "$(readlink -f "$lib")"/* ]]; then
    echo "strata-fuse links $linked, not the libfuse under $lib"; exit 1
fi
mkdir "$tmp/low" "$tmp/mnt"
if "$tmp/strata-fuse" -o "lowerdir=$tmp/low,transport=uring" -f "$tmp/mnt" 2>"$tmp/err"; then
    echo "transport=uring was accepted with libfuse $version"; exit 1
fi
if ! grep -q "libfuse $version" "$tmp/err"; then
    echo "transport=uring with libfuse $version did not say why:"; cat "$tmp/err"; exit 1
fi
echo "core/engine builds and links with libfuse $version ($lib) without warnings; it says: $(cat "$tmp/err")"
