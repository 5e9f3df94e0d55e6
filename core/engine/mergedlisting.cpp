// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergedlisting.h"

#include "layerobject.h"
#include "lowerwatch.h"
#include "ovl/whiteout.h"
#include "upperformat.h"

#include <algorithm>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_set>

namespace strata::engine {

Result<std::vector<DirEntry>> mergedEntries(Fs &f, const Inode &dir, bool withDots, bool *sawWhiteouts, bool listing)
{
    watchLowerDirs(f, dir); // before its layers are read (lowerwatch.h)
    const bool realDir = listing && !dir.merged() && !dir.hasOrigin;
    const bool fixInos = listing;
    std::vector<DirEntry> out;
    if (withDots) {
        out.push_back({".", DT_DIR, dir.stIno});
        out.push_back({"..", DT_DIR, dir.parent ? dir.parent->stIno : dir.stIno});
    }
    std::unordered_set<std::string> seen;
    // Emptiness checks never count whiteouts; a listing of a real dir shows them.
    const bool filters = !realDir;
    const bool sameDev = dir.upper.valid() && listing && f.layers.sameDev;
    const ovl::Namespace ns = f.layers.ns;
    struct Src {
        int fd;
        bool upper;
        bool xwhiteouts;
    };
    std::vector<Src> srcs;
    if (dir.upper.valid()) // an upper keeping xattr whiteouts hides them where marked
        srcs.push_back({dir.upper.get(), true, upperDirKeepsXWhiteouts(f, dir.upper.get())});
    const bool dirHasX
        = std::any_of(dir.lowers.begin(), dir.lowers.end(), [](const LowerDir &l) { return l.xwhiteouts; });
    for (const auto &l : dir.lowers)
        srcs.push_back(
            {l.fd.get(), false, ovl::inXWhiteoutsDir(f.layers.lowerXWhiteouts[static_cast<size_t>(l.layer)], dirHasX)});
    for (const auto &s : srcs) {
        const int rfd = ::openat(s.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rfd < 0)
            return fail(sysError(errno, dir.name, "open directory"));
        DIR *d = ::fdopendir(rfd);
        if (!d) {
            ::close(rfd);
            return fail(sysError(errno, dir.name, "open directory"));
        }
        while (dirent *e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n == "." || n == "..")
                continue;
            if (!seen.insert(n).second)
                continue;
            unsigned char t = e->d_type;
            struct stat st {};
            const bool looksUp = ovl::readdirLooksUp(s.upper, listing && filters, dir.impure, sameDev);
            const bool needStat
                = t == DT_UNKNOWN || t == DT_CHR || (t == DT_REG && filters && (s.xwhiteouts || looksUp));
            if (needStat) {
                if (::fstatat(s.fd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                t = IFTODT(st.st_mode);
                auto o = ovl::LayerObject::fromStat(st);
                if (ovl::isChardevWhiteout(o.mode, o.rdev) && s.upper && sawWhiteouts)
                    *sawWhiteouts = true;
                if (ovl::readdirNeedsWhiteoutXattr(filters, s.xwhiteouts, looksUp, o.mode, o.size)) {
                    auto w = ovl::hasXattrWhiteoutMarker(s.fd, n, ns);
                    o.whiteoutXattr = w && *w;
                    if (o.whiteoutXattr && s.upper && sawWhiteouts)
                        *sawWhiteouts = true;
                }
                if (ovl::readdirHides(filters, s.xwhiteouts, looksUp, o))
                    continue;
            }
            // A copied-up entry shows its origin's inode number, as its stat does
            // (ovl::readdirIno); the origin is read only where that rule uses it.
            std::optional<ino_t> origin;
            if (fixInos && ovl::readdirInoFromOrigin(s.upper, dir.merged(), dir.impure))
                origin = originIno(ovl::XattrReader(s.fd, n, ns));
            const ino_t ino = fixInos ? ovl::readdirIno(s.upper, dir.merged(), dir.impure, e->d_ino, origin) : e->d_ino;
            out.push_back({std::move(n), t, ino});
        }
        ::closedir(d);
    }
    return out;
}

bool lowerPositive(Fs &f, const Inode &parent, const std::string &name)
{
    // dir.c ovl_lower_positive(): the top-most lower object decides; a whiteout of
    // either kind (ovl_path_is_whiteout) is no object.
    for (const auto &l : parent.lowers) {
        struct stat st {};
        if (::fstatat(l.fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
            return !ovl::lookupSeesWhiteout(objectFacts(f.layers.ns, l.fd.get(), name, st));
    }
    return false;
}

} // namespace strata::engine
