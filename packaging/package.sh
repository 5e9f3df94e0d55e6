#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds Strata's Debian packages (debian/) from the checkout and prints the folder
# holding them: OUT (default build/package) gets the .deb files, the .changes and
# .buildinfo, and lintian's report. Runs where the build dependencies are (the build
# root; ./dev package). The source is copied first, so dh's obj-* and debian/<pkg>
# trees never land in the checkout; ccache (when installed) serves the compiles of
# every rebuild, as CMake reads CMAKE_CXX_COMPILER_LAUNCHER from the environment.
set -euo pipefail
main() {
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/build/package}
jobs=${STRATA_JOBS:-$(nproc)}
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
work=$out/strata-$version
mkdir -p "$out"
# One build per output folder at a time (./dev package and the package test).
exec {lock}>"$out/.lock"
flock "$lock"
rm -rf --one-file-system "$work"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out"/lintian.txt
mkdir -p "$work"
tar -C "$src" --exclude=./build --exclude=./.git --exclude='./obj-*' --exclude=./.cache \
    --exclude=./debian/.debhelper --exclude=./debian/tmp -cf - . | tar -C "$work" -xf -

if command -v ccache >/dev/null; then
    export CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
# Unsigned binary packages; DEB_BUILD_OPTIONS from the caller are honoured.
(cd "$work" && dpkg-buildpackage -us -uc -b -j"$jobs") >"$out/build.log" 2>&1 || {
    tail -n 60 "$out/build.log" >&2
    echo "strata: the package build failed (log: $out/build.log)" >&2
    exit 1
}
# dpkg-buildpackage writes beside the source directory, i.e. into OUT.
rm -rf --one-file-system "$work"
changes=$(ls "$out"/strata_"$version"_*.changes)
# Errors fail the build; warnings and infos are listed for a person to read.
rc=0
lintian --fail-on error --info --display-info "$changes" >"$out/lintian.txt" 2>&1 || rc=$?
if [[ -s "$out/lintian.txt" ]]; then
    echo "strata: lintian:" >&2
    cat "$out/lintian.txt" >&2
fi
((rc == 0)) || { echo "strata: lintian reports errors (above)" >&2; exit 1; }
ls "$out"/*.deb >&2
echo "$out"
}
main "$@"
