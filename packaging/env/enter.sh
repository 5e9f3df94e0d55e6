#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a command as root inside the cached Debian 13 build root, with the checkout
# at /src, in private mount + PID namespaces: every mount, daemon and FUSE process
# the command starts dies with it, and nothing leaks onto the host.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
# Wrapped in main() so bash parses all of it before running (see inside.sh).
main() {

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
root=$("$here/buildroot.sh")
# Held for as long as this command runs, so no other command removes this root.
exec {inuse}>"$root.inuse"
flock -s "$inuse"

# Pass through only what the build inside needs; the host's environment stays out.
envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
      LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" STRATA_IN_BUILDROOT=1)
for v in STRATA_BUILD_DIR STRATA_TEST_FILTER STRATA_BENCH STRATA_JOBS QT_QPA_PLATFORM DISPLAY; do
    [[ -n "${!v:-}" ]] && envs+=("$v=${!v}")
done

# Each run gets a private /tmp on disk (benchmarks write GiB files; tmpfs would eat
# RAM), so concurrent runs in the same root never see or delete each other's files.
cache=$(dirname "$root")
runtmp=$(mktemp -d "$cache/tmp.XXXXXX")
trap 'rm -rf --one-file-system "$runtmp"' EXIT

unshare --mount --pid --fork --propagation private -- /bin/bash -c '
    set -e
    root=$1 src=$2 runtmp=$3; shift 3
    # "/" inside must be a mount point, or nested "unshare --propagation private"
    # in tests fails with "cannot change root filesystem propagation".
    mount --bind "$root" "$root"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t proc proc "$root/proc"
    mount -t tmpfs -o mode=0755 tmpfs "$root/run"
    mkdir -p "$root/src"
    mount --bind "$src" "$root/src"
    chmod 1777 "$runtmp"
    mount --bind "$runtmp" "$root/tmp"
    cd "$root"
    exec chroot "$root" /usr/bin/env -i "$@"
' strata-env "$root" "$src" "$runtmp" "${envs[@]}" "$@"
}
main "$@"
