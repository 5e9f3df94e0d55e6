// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsprobe.h"

#include "mounts/fsfacts.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

namespace strata::watch {

namespace {

constexpr long kFuseMagic = 0x65735546;
// Pseudo filesystems whose trees change without create/delete events (kernfs raises
// only fsnotify_modify; linux-fsdevel 2022-09-15, see live-changes-notes.md 1.6).
constexpr long kPseudoMagics[] = {
    0x62656572, // sysfs
    0x9fa0, // proc
    0x27e0eb, // cgroup
    0x63677270, // cgroup2
    0x64626720, // debugfs
    0x74726163, // tracefs
    0x73636673, // securityfs
    0x62656570, // configfs
    static_cast<long>(0xcafe4a11), // bpf
    0x6165676c, // pstore
    static_cast<long>(0xde5e81e4), // efivarfs
};

} // namespace

std::string describeFs(int layerFd)
{
    struct statfs sfs {};
    struct stat st {};
    std::string name = "an unknown filesystem";
    if (::fstatfs(layerFd, &sfs) == 0) {
        const std::string_view n = mounts::fsTypeName(static_cast<unsigned long>(sfs.f_type));
        if (!n.empty())
            name = std::string(n);
    }
    if (::fstat(layerFd, &st) == 0)
        name += " (dev " + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev)) + ")";
    return name;
}

std::optional<std::string> needsPolling(int layerFd)
{
    struct statfs sfs {};
    if (::fstatfs(layerFd, &sfs) != 0)
        return std::nullopt; // let the event methods fail and say why
    const long magic = static_cast<long>(sfs.f_type);
    if (magic == kFuseMagic)
        return "FUSE filesystem: changes made behind it (its backing store, its server) raise no event here";
    for (const long m : kPseudoMagics)
        if (magic == m)
            return "pseudo filesystem: its entries come and go without create/delete events";
    if (mounts::isRemoteFs(static_cast<unsigned long>(magic)))
        return "remote filesystem: changes made on other machines raise no event here";
    return std::nullopt;
}

} // namespace strata::watch
