// SPDX-License-Identifier: GPL-2.0-or-later
#include "layergeometry.h"

#include "util/uniquefd.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace strata::mounts {

std::vector<DirId> ancestryOf(int fd, Walk walk)
{
    std::vector<DirId> out;
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return out;
    out.emplace_back(st.st_dev, st.st_ino);
    const dev_t dev = st.st_dev;
    UniqueFd cur(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    for (int depth = 0; cur && depth < 4096; ++depth) {
        UniqueFd parent(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!parent || ::fstat(parent.get(), &st) != 0)
            break;
        const DirId id {st.st_dev, st.st_ino};
        if (id == out.back()) // "/" is its own parent
            break;
        if (walk == Walk::SameFilesystem && st.st_dev != dev)
            break;
        out.push_back(id);
        cur = std::move(parent);
    }
    return out;
}

bool isAtOrBelow(const std::vector<DirId> &chain, DirId dir)
{
    for (const auto &a : chain)
        if (a == dir)
            return true;
    return false;
}

std::vector<Overlap> overlapsOf(const std::vector<PlacedDir> &dirs)
{
    std::vector<Overlap> out;
    for (size_t i = 0; i < dirs.size(); ++i)
        for (size_t j = i + 1; j < dirs.size(); ++j) {
            const bool iInJ = isAtOrBelow(dirs[i].chain, dirs[j].self());
            const bool jInI = isAtOrBelow(dirs[j].chain, dirs[i].self());
            if (!iInJ && !jInI)
                continue;
            const bool same = iInJ && jInI;
            out.push_back(iInJ && !same ? Overlap {i, j, false} : Overlap {j, i, same});
        }
    return out;
}

} // namespace strata::mounts
