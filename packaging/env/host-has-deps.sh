#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit 0 when this host can build Strata with its own packages. Quiet: the caller
# decides what to do otherwise (use the Debian 13 build root).
command -v cmake >/dev/null && command -v pkg-config >/dev/null || exit 1
pkg-config --atleast-version=3.16 fuse3 2>/dev/null || exit 1
pkg-config --exists mount 2>/dev/null || exit 1
pkg-config --atleast-version=6.5 Qt6Core 2>/dev/null || exit 1
for d in /usr/lib/*/cmake/KF6Auth /usr/lib*/cmake/KF6Auth /usr/share/cmake/KF6Auth; do
    [[ -e "$d/KF6AuthConfig.cmake" ]] && exit 0
done
exit 1
