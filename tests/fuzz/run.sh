#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets with clang, ASan and UBSan (tests/fuzz/project) and runs
# each for a bounded time on a copy of its seed corpus (tests/fuzz/corpus/TARGET).
#   run.sh [--seconds N] [--build-dir DIR] [--seeds] [TARGET...]
# --seeds first rewrites the committed corpora from strata-fuzz-seeds (main build).
# Exit 0: no crash, leak, hang or sanitizer report; 1: one was found (the input is
# kept in DIR/artifacts); 77: cannot fuzz here (no clang++ or libFuzzer), with why.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=20
builddir=$src/build/fuzz
seeds=
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) builddir=$2; shift 2 ;;
    --seeds) seeds=1; shift ;;
    -*) echo "usage: run.sh [--seconds N] [--build-dir DIR] [--seeds] [TARGET...]" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
all=(filehandle xattrvalues indexname stackfile capturefile mountoptions engineoptions helperargs)
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

cxx=
for c in clang++ clang++-19; do
    command -v "$c" >/dev/null && { cxx=$(command -v "$c"); break; }
done
if [[ -z "$cxx" ]]; then
    echo "fuzz: skipped: no clang++ here (libFuzzer needs clang)"
    exit 77
fi
if [[ ! -e "$("$cxx" -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]] \
    && ! ls "$("$cxx" -print-runtime-dir)"/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "fuzz: skipped: $cxx has no libFuzzer runtime (libclang-rt-dev)"
    exit 77
fi

if [[ -n "$seeds" ]]; then
    gen=${STRATA_SEEDS_BIN:-$src/build/default/bin/strata-fuzz-seeds}
    [[ -x "$gen" ]] || { echo "fuzz: build strata-fuzz-seeds first ($gen)" >&2; exit 1; }
    rm -rf "$src/tests/fuzz/corpus"
    "$gen" "$src/tests/fuzz/corpus"
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p "$builddir"
cmake -S "$src/tests/fuzz/project" -B "$builddir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
    >"$builddir/configure.log" 2>&1 || { cat "$builddir/configure.log" >&2; exit 1; }
cmake --build "$builddir" -j "${STRATA_JOBS:-2}" >"$builddir/build.log" 2>&1 \
    || { tail -50 "$builddir/build.log" >&2; echo "fuzz: build failed" >&2; exit 1; }

mkdir -p "$builddir/artifacts"
failed=0
for t in "${targets[@]}"; do
    work=$(mktemp -d "${TMPDIR:-/tmp}/strata-fuzz-$t.XXXXXX")
    log=$builddir/$t.log
    # New inputs go to the scratch dir; the committed seeds are only read.
    seeddirs=()
    [[ -d "$src/tests/fuzz/corpus/$t" ]] && seeddirs=("$src/tests/fuzz/corpus/$t")
    # A capture file of two stacked mounts is over 4 KiB: room for it whole.
    maxlen=4096
    [[ $t == capturefile ]] && maxlen=8192
    if "$builddir/fuzz_$t" "$work" "${seeddirs[@]}" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len="$maxlen" -artifact_prefix="$builddir/artifacts/$t-" >"$log" 2>&1; then
        echo "fuzz: $t: ok ($(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || echo 'no summary')s)"
    else
        failed=1
        echo "fuzz: $t: FAILED (input kept in $builddir/artifacts/$t-*)" >&2
        grep -E 'ERROR|SUMMARY|runtime error|deadly signal|Test unit written' "$log" | head -20 >&2 || tail -30 "$log" >&2
    fi
    rm -rf "$work"
done
exit "$failed"
