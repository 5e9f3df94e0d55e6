#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bareroot.sh DIR MIRROR USER DEBCACHE: a minimal Debian 13 root for the clean-machine
# test (test_package_install), made once a day and then only ever used as the lower
# layer of a fresh overlay. Runs as root in the test's private mount namespace.
set -euo pipefail
dir=$1 mirror=$2 user=$3 debcache=$4
mkdir -p "$debcache"
# --cache-dir keeps the downloaded .debs, so tomorrow's root downloads only what changed.
debootstrap --variant=minbase --cache-dir="$debcache" trixie "$dir" "$mirror"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# Only the Debian 13 archive: the packages' dependencies must all come from there.
echo "deb $mirror trixie main" >"$dir/etc/apt/sources.list"
rm -f "$dir"/etc/apt/sources.list.d/*
# apt downloads as root into the cache bind-mounted from the host side.
echo 'APT::Sandbox::User "root";' >"$dir/etc/apt/apt.conf.d/90strata-test"
# Package scripts must not start daemons in a chroot; the test starts its own.
printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
chmod 0755 "$dir/usr/sbin/policy-rc.d"
mount -t proc proc "$dir/proc"
trap 'umount "$dir/proc"' EXIT
chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "
    set -e
    useradd -m -s /bin/bash '$user'
    apt-get update -qq"
