#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure, build, test, run: what ./dev does once it has an environment with the
# dependencies (the host's own, or the Debian 13 build root). Kept free of any
# environment set-up so both paths run the very same steps.
set -euo pipefail
# Everything is inside main(), called on the last line: bash then parses the whole
# file before running any of it, so editing this file during a long test run cannot
# feed the running shell half of the new text.
main() {
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
verb=$1; shift
preset=${STRATA_PRESET:-default}
jobs=${STRATA_JOBS:-$(nproc)}
# CI fails on any compiler warning. It reads the build's output rather than passing
# -Werror: the flags then stay those of every other build, so the shared compiler cache
# serves CI too (ccache replays a cached compile's warnings).
werror=OFF

# STRATA_BUILD_DIR lets several builds of one checkout run side by side.
builddir=${STRATA_BUILD_DIR:-$src/build/$preset}
# Every checkout sits at /src in the build root, so one compiler cache serves them all.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
configure() {
    cmake --preset "$preset" -B "$builddir" -DSTRATA_WERROR="$werror" "${launcher[@]}" \
        >"$builddir.configure.log" 2>&1 \
        || { cat "$builddir.configure.log" >&2; echo "strata: configure failed (log above)" >&2; exit 1; }
}
build() {
    mkdir -p "$(dirname "$builddir")"
    configure
    if [[ -z "${CI:-}" ]]; then
        cmake --build "$builddir" -j "$jobs"
        return
    fi
    local log=$builddir.build.log rc=0
    cmake --build "$builddir" -j "$jobs" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
    (( rc == 0 )) || exit "$rc"
    if grep -qE '(^|: )warning: ' "$log"; then
        echo "strata: CI treats compiler warnings as errors; this build printed:" >&2
        grep -E '(^|: )warning: ' "$log" | sort -u >&2
        exit 1
    fi
}
bindir="$builddir/bin"

case "$verb" in
build) build ;;
test)
    build
    # Mount-tier suites need root; as a user they report themselves skipped.
    ctest --test-dir "$builddir" --output-on-failure --no-tests=error --timeout 1500 \
        -j "$jobs" ${STRATA_TEST_FILTER:+-R "$STRATA_TEST_FILTER"}
    ;;
bench)
    preset=release
    builddir=${STRATA_BUILD_DIR:-$src/build/$preset}
    bindir="$builddir/bin"
    build
    "$bindir/strata-bench-inspector" "$@"
    # Live lower-layer changes: latencies and the cost of watching, then the same
    # changes through the app's pipeline to its tree model (docs/BENCHMARKS.md).
    "$bindir/strata-bench-watch"
    "$bindir/strata-bench-watch-gui"
    ;;
lupdate)
    # Refresh translations/*.ts from the sources (Qt Linguist).
    build
    cmake --build "$builddir" --target strata_lupdate
    ;;
package)
    # The Debian packages (debian/), built from a copy of the checkout, checked by
    # lintian; prints the folder holding the .deb files.
    "$src/packaging/package.sh" "$@"
    ;;
screenshots)
    # The PNGs in docs/screenshots (README, AppStream metainfo), rendered offscreen.
    build
    QT_QPA_PLATFORM=offscreen "$bindir/strata" --screenshots "$src/docs/screenshots"
    ;;
fuzz)
    # Every fuzz target for STRATA_FUZZ_SECONDS each (default 300), clang + ASan/UBSan;
    # arguments name targets, --seeds first refreshes the seed corpora from the demo stack.
    if [[ " $* " == *" --seeds "* ]]; then
        build
    fi
    STRATA_SEEDS_BIN="$bindir/strata-fuzz-seeds" "$src/tests/fuzz/run.sh" --seconds "${STRATA_FUZZ_SECONDS:-300}" "$@"
    ;;
format)
    # With file arguments: only those (parallel work must not reformat each other).
    if [[ $# -gt 0 ]]; then
        clang-format -i "$@"
    else
        git ls-files --cached --others --exclude-standard '*.cpp' '*.h' | xargs clang-format -i
    fi
    ;;
run)
    build
    if [[ -x "$bindir/strata" ]]; then
        exec "$bindir/strata" "$@"
    fi
    # A build without the desktop app (no Qt Widgets?) still shows the inspector.
    demo=$(mktemp -d /tmp/strata-demo.XXXXXX)
    "$bindir/stratactl" demo "$demo"
    echo "== stratactl inspect --lower ... (demo stack in $demo)"
    args=(--lower "$demo/lower2:$demo/lower1" --upper "$demo/upper" --work "$demo/work")
    "$bindir/stratactl" inspect "${args[@]}"
    echo; echo "== stratactl tree"
    "$bindir/stratactl" tree "${args[@]}"
    ;;
*) echo "strata: unknown verb $verb" >&2; exit 2 ;;
esac
}
main "$@"
