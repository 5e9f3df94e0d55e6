// SPDX-License-Identifier: GPL-2.0-or-later
#include "resolve.h"

#include "index.h"
#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <unordered_set>

namespace strata::engine {

namespace {

UniqueFd openPath(int dirfd, const std::string &name, int extra = 0)
{
    return UniqueFd(::openat(dirfd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC | extra));
}

bool statFd(int fd, struct stat &st)
{
    return ::fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0;
}

// The inode number an origin records, when its fid layout is the common one
// (ext4, tmpfs, xfs with 32-bit inodes...). Kernel overlayfs decodes the handle;
// reading the number out of it gives the same answer without a decode.
std::optional<ino_t> originIno(const ovl::XattrReader &rd)
{
    auto o = rd.origin();
    if (!o || !*o)
        return std::nullopt;
    if (auto ig = (*o)->inoGen())
        return static_cast<ino_t>(ig->ino);
    return std::nullopt;
}

bool hasOriginXattr(const ovl::XattrReader &rd)
{
    auto raw = rd.raw(ovl::Attr::Origin);
    return raw && raw->has_value();
}

// A zero-size file with overlay.whiteout, in a middle lower directory marked
// opaque=x (the kernel ignores the marker on the upper and the last layer).
bool isXattrWhiteout(Fs &f, int dirfd, const std::string &name, const struct stat &st, bool dirHasX)
{
    if (!ovl::couldBeXattrWhiteout(st) || !dirHasX)
        return false;
    auto w = ovl::hasXattrWhiteoutMarker(dirfd, name, f.layers.ns);
    return w && *w;
}

bool dirMarkedX(Fs &f, int dirfd)
{
    auto o = ovl::XattrReader(dirfd, ".", f.layers.ns).opaque();
    return o && *o && **o == ovl::Opaque::XWhiteouts;
}

void setIdentity(Fs &f, Inode &in, const struct stat &real, std::optional<ino_t> origin)
{
    in.type = real.st_mode & S_IFMT;
    const auto lowerDev = [&] {
        struct stat ls {};
        if (!f.layers.lowers.empty() && statFd(f.layers.lowers.front().get(), ls))
            return ls.st_dev;
        return real.st_dev;
    };
    if (in.upper.valid() && origin) {
        in.stIno = *origin;
        in.keyDev = lowerDev();
        in.keyIno = *origin;
    } else if (in.upper.valid() && in.isDir() && !in.lowers.empty()) {
        // A merge dir reports its lower dir's inode (ovl_fix_origin stores the origin).
        struct stat ls {};
        statFd(in.lowers.front().fd.get(), ls);
        in.stIno = ls.st_ino;
        in.keyDev = ls.st_dev;
        in.keyIno = ls.st_ino;
    } else if (!in.upper.valid() && !in.isDir() && real.st_nlink > 1 && !f.readOnly() && in.indexName.empty()) {
        // A lower hard link: each name is its own union object, as the kernel keeps
        // them (ovl_hash_bylower: the link breaks at copy-up without an index), so
        // the key is per name; st_ino stays the lower's.
        in.stIno = real.st_ino;
        in.keyDev = static_cast<dev_t>(-1);
        const size_t h = std::hash<std::string> {}(in.name) ^ (reinterpret_cast<uintptr_t>(in.parent) * 31)
            ^ (real.st_ino * 0x9e3779b97f4a7c15ULL);
        in.keyIno = static_cast<ino_t>(h);
    } else {
        in.stIno = real.st_ino;
        in.keyDev = real.st_dev;
        in.keyIno = real.st_ino;
    }
}

} // namespace

std::string procPath(int fd)
{
    return "/proc/self/fd/" + std::to_string(fd);
}

Result<Resolved> resolveChild(Fs &f, Inode &parent, const std::string &name)
{
    Resolved r;
    auto in = std::make_unique<Inode>();
    in->parent = &parent;
    in->name = name;
    const auto ns = f.layers.ns;
    const int nlowers = static_cast<int>(f.layers.lowers.size());
    bool found = false, stop = false;
    struct stat top {};
    std::optional<ino_t> origin;
    std::optional<std::vector<std::string>> absPath;
    std::string lname = name;

    auto applyRedirect = [&](const ovl::XattrReader &rd) {
        auto red = rd.redirect();
        if (!red || !*red)
            return;
        if ((*red)->absolute)
            absPath = (*red)->components;
        else if (absPath)
            absPath->back() = (*red)->path;
        else
            lname = (*red)->path;
    };

    if (parent.upper.valid()) {
        UniqueFd fd = openPath(parent.upper.get(), name);
        if (!fd && errno != ENOENT)
            return fail(sysError(errno, name, "lookup in upper"));
        if (fd) {
            if (!statFd(fd.get(), top))
                return fail(sysError(errno, name, "stat in upper"));
            if (ovl::isWhiteoutStat(top)) {
                r.upperWhiteout = true;
                return r;
            }
            found = true;
            in->upper = std::move(fd);
            ovl::XattrReader rd(parent.upper.get(), name, ns);
            in->hasOrigin = hasOriginXattr(rd);
            origin = originIno(rd);
            if (S_ISDIR(top.st_mode)) {
                auto op = rd.opaque();
                if (op && *op && **op == ovl::Opaque::Yes) {
                    in->opaque = true;
                    stop = true;
                }
                in->impure = [&] {
                    auto imp = rd.impure();
                    return imp && *imp;
                }();
                if (auto red = rd.redirect(); red && *red)
                    in->redirect = (*red)->path;
                applyRedirect(rd);
            } else {
                stop = true;
            }
        }
    }

    int lastLayer = -1;
    size_t pi = 0;
    while (!stop) {
        int layer = 0, dirfd = -1;
        bool dirHasX = false;
        std::vector<std::string> comps;
        if (absPath) {
            layer = lastLayer + 1;
            if (layer >= nlowers)
                break;
            dirfd = f.layers.lowers[layer].get();
            comps = *absPath;
        } else {
            while (pi < parent.lowers.size() && parent.lowers[pi].layer <= lastLayer)
                ++pi;
            if (pi >= parent.lowers.size())
                break;
            layer = parent.lowers[pi].layer;
            dirfd = parent.lowers[pi].fd.get();
            dirHasX = parent.lowers[pi].xwhiteouts;
            comps = {lname};
            ++pi;
        }
        lastLayer = layer;
        const bool lastInStack = layer == nlowers - 1;

        // The components before the leaf of an absolute redirect follow
        // ovl_lookup_single: absent goes on to the next layer; a whiteout or a
        // non-directory ends the lookup; an opaque directory ends it after this layer.
        UniqueFd walk;
        int d = dirfd;
        bool reachable = true, blocked = false, stopAfter = false;
        for (size_t k = 0; k + 1 < comps.size(); ++k) {
            UniqueFd next = openPath(d, comps[k]);
            struct stat cst {};
            if (!next || !statFd(next.get(), cst)) {
                reachable = false;
                break;
            }
            if (!S_ISDIR(cst.st_mode)) {
                blocked = true;
                break;
            }
            if (!lastInStack) {
                auto op = ovl::XattrReader(d, comps[k], ns).opaque();
                stopAfter = stopAfter || (op && *op && **op == ovl::Opaque::Yes);
            }
            walk = std::move(next);
            d = walk.get();
        }
        if (blocked)
            break;
        if (!reachable)
            continue;
        if (absPath)
            dirHasX = !lastInStack && dirMarkedX(f, d);
        const std::string &leaf = comps.back();
        UniqueFd fd = openPath(d, leaf);
        if (!fd) {
            if (errno == ENOENT || errno == ENOTDIR) {
                if (stopAfter)
                    break;
                continue;
            }
            return fail(sysError(errno, leaf, "lookup in lower layer " + std::to_string(layer + 1)));
        }
        if (stopAfter)
            stop = true;
        struct stat st {};
        if (!statFd(fd.get(), st))
            return fail(sysError(errno, leaf, "stat in lower layer"));
        if (ovl::isWhiteoutStat(st) || (!lastInStack && isXattrWhiteout(f, d, leaf, st, dirHasX)))
            break; // hides this name and everything below
        if (!found) {
            found = true;
            top = st;
        } else if (!S_ISDIR(st.st_mode) || !S_ISDIR(top.st_mode)) {
            break; // only directories merge
        }
        LowerDir ld;
        ld.layer = layer;
        ld.fd = std::move(fd);
        if (!S_ISDIR(st.st_mode)) {
            in->lowers.push_back(std::move(ld));
            break;
        }
        if (!lastInStack) {
            ovl::XattrReader rd(d, leaf, ns);
            auto op = rd.opaque();
            if (op && *op && **op == ovl::Opaque::Yes)
                stop = true;
            else if (op && *op && **op == ovl::Opaque::XWhiteouts)
                ld.xwhiteouts = true;
            applyRedirect(rd);
        }
        in->lowers.push_back(std::move(ld));
    }
    if (!found)
        return r;

    // `top` is the upper's stat when there is an upper, else the top lower's.
    attachIndex(f, *in, top, origin);
    setIdentity(f, *in, top, origin);
    // Kernel overlayfs records the origin of a merge dir whose upper lacks one
    // at lookup (namei.c ovl_fix_origin), and marks the parent impure.
    if (!f.readOnly() && in->isDir() && in->upper.valid() && !in->lowers.empty() && !in->hasOrigin) {
        if (auto fh = ovl::handleOfFd(in->lowers.front().fd.get())) {
            if (ovl::setOrigin(parent.upper.get(), name, ns, &*fh))
                in->hasOrigin = true;
            if (!parent.impure && ovl::setImpure(parent.upper.get(), ".", ns))
                parent.impure = true;
        }
    }
    r.inode = std::move(in);
    r.st = top;
    return r;
}

Result<void> initRoot(Fs &f)
{
    Inode &root = f.root;
    root.type = S_IFDIR;
    root.nlookup = 1;
    const int n = static_cast<int>(f.layers.lowers.size());
    for (int i = 0; i < n; ++i) {
        LowerDir ld;
        ld.layer = i;
        ld.fd = UniqueFd(::fcntl(f.layers.lowers[i].get(), F_DUPFD_CLOEXEC, 0));
        const bool last = i == n - 1;
        if (!last) {
            auto op = ovl::XattrReader(ld.fd.get(), ".", f.layers.ns).opaque();
            ld.xwhiteouts = op && *op && **op == ovl::Opaque::XWhiteouts;
        }
        root.lowers.push_back(std::move(ld));
    }
    struct stat st {};
    if (!f.readOnly()) {
        root.upper = UniqueFd(::fcntl(f.layers.upper.get(), F_DUPFD_CLOEXEC, 0));
        auto imp = ovl::XattrReader(root.upper.get(), ".", f.layers.ns).impure();
        root.impure = imp && *imp;
    }
    if (!statFd(root.realFd(), st))
        return fail(sysError(errno, "/", "stat of the root layer"));
    root.stIno = st.st_ino;
    root.keyDev = st.st_dev;
    root.keyIno = st.st_ino;
    return {};
}

Result<struct stat> inodeStat(Fs &f, const Inode &i, const struct stat *real)
{
    struct stat st {};
    if (real)
        st = *real;
    else if (!statFd(i.realFd(), st))
        return fail(sysError(errno, i.name, "stat"));
    st.st_ino = i.stIno;
    if (!i.indexName.empty())
        st.st_nlink = unionNlink(f, i, static_cast<unsigned>(st.st_nlink));
    if (i.merged())
        st.st_nlink = 1;
    return st;
}

Result<std::vector<DirEntry>> mergedEntries(Fs &f, const Inode &dir, bool withDots, bool *sawWhiteouts, bool listing)
{
    const bool realDir = listing && !dir.merged() && !dir.hasOrigin;
    std::vector<DirEntry> out;
    if (withDots) {
        out.push_back({".", DT_DIR, dir.stIno});
        out.push_back({"..", DT_DIR, dir.parent ? dir.parent->stIno : dir.stIno});
    }
    std::unordered_set<std::string> seen;
    struct Src {
        int fd;
        bool upper;
        bool xwhiteouts;
        bool last;
    };
    std::vector<Src> srcs;
    if (dir.upper.valid())
        srcs.push_back({dir.upper.get(), true, false, false});
    for (const auto &l : dir.lowers)
        srcs.push_back({l.fd.get(), false, l.xwhiteouts, l.layer == static_cast<int>(f.layers.lowers.size()) - 1});
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
            const bool needStat = t == DT_UNKNOWN || t == DT_CHR || (t == DT_REG && s.xwhiteouts && !s.last);
            if (needStat) {
                if (::fstatat(s.fd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                t = IFTODT(st.st_mode);
                if (ovl::isWhiteoutStat(st)) {
                    if (s.upper && sawWhiteouts)
                        *sawWhiteouts = true;
                    if (!realDir)
                        continue;
                }
                if (!s.upper && !s.last && isXattrWhiteout(f, s.fd, n, st, s.xwhiteouts))
                    continue;
            }
            out.push_back({std::move(n), t, e->d_ino});
        }
        ::closedir(d);
    }
    return out;
}

bool lowerPositive(Fs &, const Inode &parent, const std::string &name)
{
    for (const auto &l : parent.lowers) {
        struct stat st {};
        if (::fstatat(l.fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
            return !ovl::isWhiteoutStat(st);
    }
    return false;
}

} // namespace strata::engine
