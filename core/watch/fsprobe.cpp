// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsprobe.h"

#include "mounts/fsfacts.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

namespace strata::watch {

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
    mounts::FsFacts facts;
    if (!mounts::fsFactsOf(layerFd, facts))
        return std::nullopt; // let the event methods fail and say why
    if (facts.kind.fuse)
        return "FUSE filesystem: changes made behind it (its backing store, its server) raise no event here";
    if (facts.kind.pseudo)
        return "pseudo filesystem: its entries come and go without create/delete events";
    if (facts.kind.remote)
        return "remote filesystem: changes made on other machines raise no event here";
    return std::nullopt;
}

} // namespace strata::watch
