#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Creates (once) and prints the path of the Debian 13 build root that the README's
# commands use on hosts whose own packages are too old for KF6 (Debian 12).
#
# The root is cached outside the checkout, keyed by a hash of packages.txt and of
# this script, so editing either rebuilds it and every other run reuses it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${STRATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strata}
key=$(cat "$here/packages.txt" "$here/buildroot.sh" | sha256sum | cut -c1-16)
root="$cache/buildroot-trixie-$key"
mirror=${STRATA_MIRROR:-http://deb.debian.org/debian}

log() { echo "strata-env: $*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -f "$root/.strata-ready" ]]; then
    echo "$root"
    exit 0
fi

[[ $(id -u) -eq 0 ]] || die "creating the Debian 13 build root needs root (debootstrap, chroot); run as root or install the dependencies listed in README.md"
if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap from the host's package mirror"
    apt-get update -qq >&2 && apt-get install -y -qq debootstrap >&2 \
        || die "could not install debootstrap; install it (apt-get install debootstrap) and retry"
fi
[[ -e /usr/share/debootstrap/scripts/trixie ]] || die "this debootstrap does not know Debian 13 (trixie); upgrade debootstrap"

mkdir -p "$cache"
# Old roots of other package lists are dead weight: remove them (never a live one:
# a root in use is bind-mounted only inside a private namespace, not here).
for old in "$cache"/buildroot-trixie-*; do
    [[ -e "$old" && "$old" != "$root" ]] || continue
    log "removing outdated build root $old"
    rm -rf --one-file-system "$old"
done

tmp="$root.partial"
rm -rf --one-file-system "$tmp"
log "creating Debian 13 build root in $root (first run only, about a minute)"
debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $cache/debootstrap.log"

cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
echo "deb $mirror trixie main" >"$tmp/etc/apt/sources.list"
# No recommends: the list names everything we need, and recommends pull in a desktop.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$tmp/etc/apt/apt.conf.d/90strata"
mapfile -t pkgs < <(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$')
log "installing ${#pkgs[@]} packages into the build root"
unshare --mount --fork -- bash -c '
    set -e
    mount -t proc proc "$1/proc"
    mount --rbind /dev "$1/dev"
    shift_root=$1; shift
    chroot "$shift_root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        bash -c "apt-get update -qq && apt-get install -y -qq \"\$@\"" apt "$@"
' strata "$tmp" "${pkgs[@]}" >"$cache/apt.log" 2>&1 \
    || die "installing packages into the build root failed; see $cache/apt.log"

# Users the system-tier tests need: a real dbus and polkitd refuse to run without them.
chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin bash -c '
    getent passwd messagebus >/dev/null || useradd -r -s /usr/sbin/nologin messagebus
    getent passwd polkitd >/dev/null || useradd -r -s /usr/sbin/nologin polkitd
    for u in strata-alice strata-bob; do
        getent passwd $u >/dev/null || useradd -m -s /bin/bash $u
    done' >>"$cache/apt.log" 2>&1 || die "could not create the test users in the build root"
apt_clean() { rm -rf "$tmp/var/cache/apt/archives/"*.deb; }
apt_clean
touch "$tmp/.strata-ready"
mv "$tmp" "$root"
log "build root ready"
echo "$root"
