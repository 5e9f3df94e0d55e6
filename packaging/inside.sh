#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure, build, test, run: what ./dev does once it has an environment with the
# dependencies (the host's own, or the Debian 13 build root). Kept free of any
# environment set-up so both paths run the very same steps.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
verb=$1; shift
preset=${STRATA_PRESET:-default}
jobs=${STRATA_JOBS:-$(nproc)}
werror=OFF
[[ -n "${CI:-}" ]] && werror=ON

configure() {
    cmake --preset "$preset" -DSTRATA_WERROR="$werror" >/dev/null \
        || { echo "strata: configure failed; rerun: cmake --preset $preset" >&2; exit 1; }
}
build() {
    configure
    cmake --build --preset "$preset" -j "$jobs"
}
bindir="$src/build/$preset/bin"

case "$verb" in
build) build ;;
test)
    build
    # Mount-tier suites need root; as a user they report themselves skipped.
    ctest --preset "$preset" -j "$jobs" ${STRATA_TEST_FILTER:+-R "$STRATA_TEST_FILTER"}
    ;;
bench)
    STRATA_PRESET=release
    preset=release; bindir="$src/build/$preset/bin"
    build
    "$bindir/strata-bench-inspector" "$@"
    ;;
format)
    git ls-files '*.cpp' '*.h' | xargs clang-format -i
    ;;
run)
    build
    if [[ -x "$bindir/strata" ]]; then
        exec "$bindir/strata" "$@"
    fi
    # Until the desktop app lands, "run" shows stratactl on a demo stack.
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
