#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Creates (once) and prints the path of the Debian 13 build root that the README's
# commands use on hosts whose own packages are too old for KF6 (Debian 12).
#
# The root is cached outside the checkout, keyed by a hash of packages.txt and of
# this script, so editing either rebuilds it and every other run reuses it.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# Bump when the way the root is built changes (not for edits elsewhere in this file):
# the cache key is this number plus the package list.
root_format=3

here=$(cd "$(dirname "$0")" && pwd)
# Outside the checkout, so fresh clones (CI) reuse it; /var/cache when HOME is unset.
if [[ -n "${STRATA_CACHE:-}" ]]; then
    cache=$STRATA_CACHE
elif [[ -n "${XDG_CACHE_HOME:-}" ]]; then
    cache=$XDG_CACHE_HOME/strata
elif [[ -n "${HOME:-}" ]]; then
    cache=$HOME/.cache/strata
else
    cache=/var/cache/strata
fi
key=$( (echo "format=$root_format"; cat "$here/packages.txt") | sha256sum | cut -c1-16)
root="$cache/buildroot-trixie-$key"
mirror=${STRATA_MIRROR:-http://deb.debian.org/debian}

log() { echo "strata-env: $*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -f "$root/.strata-ready" ]]; then
    echo "$root"
    exit 0
fi

mkdir -p "$cache"
# One creator at a time: a second command waits for the first one's root.
exec {lock}>"$cache/.create.lock"
flock "$lock"
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

# Old roots of other package lists are dead weight: remove them, but never one in
# use (enter.sh holds a shared lock on ROOT.inuse while a command runs in it).
for old in "$cache"/buildroot-trixie-*; do
    [[ -d "$old" && "$old" != "$root" && "$old" != *.partial ]] || continue
    exec {inuse}>"$old.inuse"
    if flock -xn "$inuse"; then
        log "removing outdated build root $old"
        rm -rf --one-file-system "$old"
        rm -f "$old.inuse"
    fi
    exec {inuse}>&-
done

tmp="$root.partial"
rm -rf --one-file-system "$tmp"
log "creating Debian 13 build root in $root (first run only, about a minute)"
debootstrap --variant=minbase trixie "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $cache/debootstrap.log"

cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
echo "deb $mirror trixie main" >"$tmp/etc/apt/sources.list"
# Debian's unstable suite, for packages packages.txt names as NAME/sid or rebuilds (see
# the comment there for why). Pinned at 100, so apt never takes anything else from it;
# its Release file may be past Valid-Until on a snapshot mirror, hence the option.
echo "deb [check-valid-until=no] $mirror sid main" >"$tmp/etc/apt/sources.list.d/sid.list"
printf 'Package: *\nPin: release n=sid\nPin-Priority: 100\n' >"$tmp/etc/apt/preferences.d/sid"
# No recommends: the list names everything we need, and recommends pull in a desktop.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$tmp/etc/apt/apt.conf.d/90strata"
mapfile -t pkgs < <(grep -v '^\s*#' "$here/packages.txt" | grep -v '^\s*$' | grep -v '^extract \|^rebuild ')
# "extract DIR NAME/SUITE" lines: a package unpacked (not installed) under
# /opt/extract/DIR, for build-only checks against another version of a library
# (libfuse 3.17's headers and library beside the 3.18 that is installed).
mapfile -t extracts < <(grep '^extract ' "$here/packages.txt" | cut -d' ' -f2-)
# Runs bash -c SCRIPT ARGS... as root in the new root, with /proc and /dev (apt's
# maintainer scripts and package builds need them), in a private mount namespace.
in_root() {
    unshare --mount --fork -- bash -c '
        set -e
        mount -t proc proc "$1/proc"
        mount --rbind /dev "$1/dev"
        shift_root=$1; shift
        chroot "$shift_root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
            bash -c "$@"
    ' strata "$tmp" "$@"
}
log "installing ${#pkgs[@]} packages into the build root"
in_root 'apt-get update -qq && apt-get install -y -qq "$@"' apt "${pkgs[@]}" >"$cache/apt.log" 2>&1 \
    || die "installing packages into the build root failed; see $cache/apt.log"

# Users the system-tier tests need: a real dbus and polkitd refuse to run without them.
chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin bash -c '
    getent passwd messagebus >/dev/null || useradd -r -s /usr/sbin/nologin messagebus
    getent passwd polkitd >/dev/null || useradd -r -s /usr/sbin/nologin polkitd
    for u in strata-alice strata-bob; do
        getent passwd $u >/dev/null || useradd -m -s /bin/bash $u
    done' >>"$cache/apt.log" 2>&1 || die "could not create the test users in the build root"
for x in "${extracts[@]}"; do
    dir=${x%% *} pkg=${x#* }
    chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -c "
        set -e; mkdir -p /opt/extract/$dir; d=\$(mktemp -d); cd \$d
        apt-get download -qq '$pkg' && dpkg -x *.deb /opt/extract/$dir && rm -rf \$d" \
        >>"$cache/apt.log" 2>&1 || die "could not unpack $pkg into the build root; see $cache/apt.log"
done
# "rebuild SOURCE=VERSION SUITE EXTRA..." lines: Debian's source package built in the
# root with the EXTRA packages installed first (so its configure finds them) and its
# binary packages installed over the ones apt put there. The version gets a
# "+strata1" suffix, from a changelog entry dated as Debian's, so the packages say
# they are not Debian's and two builds of the root agree.
mapfile -t rebuilds < <(grep '^rebuild ' "$here/packages.txt" | cut -d' ' -f2-)
for x in "${rebuilds[@]}"; do
    read -r srcver suite extra <<<"$x"
    log "building ${srcver%%=*} ${srcver#*=} from $suite's source with $extra (a few minutes)"
    in_root '
        set -e; srcver=$1 suite=$2 mirror=$3; shift 3
        src=${srcver%%=*} ver=${srcver#*=}
        echo "deb-src [check-valid-until=no] $mirror $suite main" >/etc/apt/sources.list.d/$suite-src.list
        apt-get update -qq
        d=/var/tmp/rebuild-$src; rm -rf $d; mkdir -p $d; chown _apt $d; cd $d
        apt-get source -qq --only-source "$src=$ver"
        apt-get build-dep -y -qq -o APT::Get::Build-Dep-Automatic=true --only-source "$src=$ver"
        apt-get install -y -qq "$@"
        cd "$src-${ver%-*}"
        date=$(dpkg-parsechangelog -SDate)
        { printf "%s (%s+strata1) UNRELEASED; urgency=medium\n\n" "$src" "$ver"
          printf "  * Rebuilt by Strata'"'"'s build root (packaging/env) with %s.\n\n" "$*"
          printf " -- Strata build root <strata@invalid>  %s\n\n" "$date"
          cat debian/changelog; } >debian/changelog.new
        mv debian/changelog.new debian/changelog
        DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" DEB_BUILD_PROFILES="nocheck noudeb" \
            dpkg-buildpackage -B -uc -us
        cd $d && apt-get install -y -qq ./*.deb
        cd /; rm -rf $d' rebuild "$srcver" "$suite" "$mirror" $extra \
        >>"$cache/apt.log" 2>&1 || die "could not rebuild $srcver from $suite's source; see $cache/apt.log"
done
# The reason for the fuse3 rebuild: a libfuse that links liburing runs FUSE over io_uring.
if [[ " ${rebuilds[*]} " == *" fuse3="* ]] && ! chroot "$tmp" /usr/bin/env -i PATH=/usr/bin:/bin \
        bash -c 'ldd /usr/lib/*/libfuse3.so.4' | grep -q liburing; then
    die "the rebuilt libfuse3 does not link liburing (meson did not turn io_uring on); see $cache/apt.log"
fi
apt_clean() { rm -rf "$tmp/var/cache/apt/archives/"*.deb; }
apt_clean
touch "$tmp/.strata-ready"
# A root dir without the ready marker is debris of an interrupted run: replace it.
[[ -e "$root" ]] && rm -rf --one-file-system "$root"
mv -T "$tmp" "$root"
log "build root ready"
echo "$root"
