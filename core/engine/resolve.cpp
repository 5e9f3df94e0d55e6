// SPDX-License-Identifier: GPL-2.0-or-later
#include "resolve.h"

#include "index.h"
#include "lowerwatch.h"
#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
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
std::optional<ino_t> inoOf(const std::optional<ovl::FileHandle> &fh)
{
    if (fh)
        if (auto ig = fh->inoGen())
            return static_cast<ino_t>(ig->ino);
    return std::nullopt;
}

std::optional<ino_t> originIno(const ovl::XattrReader &rd)
{
    auto o = rd.origin();
    return o && *o ? inoOf(**o) : std::nullopt;
}

// One object's overlay xattrs: a listxattr first says which exist, so an object
// without any (nearly all of them) costs one syscall, and each present one is read
// once.
struct OverlayXattrs {
    ovl::AttrSet present;
    bool presentKnown = false;

    OverlayXattrs(int dirfd, const std::string &name, ovl::Namespace ns)
    {
        if (auto set = ovl::presentAttrs(dirfd, name, ns)) {
            present = *set;
            presentKnown = true;
        }
    }
    bool maybe(ovl::Attr a) const { return !presentKnown || present.has(a); }
};

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

// ovl_lookup_data_layers(): the absolute redirect from each data-only layer's root,
// beneath it, without symlinks or mount crossings; the first regular file wins.
void lookupDataLayers(Fs &f, Inode &in, const std::vector<std::string> &comps)
{
    std::string rel;
    for (const auto &c : comps)
        rel += (rel.empty() ? "" : "/") + c;
    in.dataInDataLayer = true;
    in.dataErr = ENOENT;
    for (const auto &layer : f.layers.data) {
        open_how how {};
        how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV;
        UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, layer.get(), rel.c_str(), &how, sizeof(how))));
        if (!fd) {
            in.dataErr = errno;
            continue;
        }
        struct stat st {};
        if (!statFd(fd.get(), st) || !S_ISREG(st.st_mode)) {
            in.dataErr = ENOENT; // only a regular file is data (ovl_lookup_data_layer)
            continue;
        }
        in.data = std::move(fd);
        in.dataErr = 0;
        return;
    }
}

// overlay.metacopy of a regular file; a malformed value fails the lookup as the
// kernel does (util.c ovl_check_metacopy_xattr: "metacopy xattr is too small", EIO).
Result<bool> isMetacopy(const ovl::XattrReader &rd, const std::string &name)
{
    auto mc = rd.metacopy();
    if (!mc)
        return fail(makeError(name, mc.error().message(), EIO));
    return mc->has_value();
}

// The device of the lower layer an origin handle belongs to: the first whose
// filesystem uuid it carries (the kernel matches fh->uuid the same way,
// ovl_check_origin_fh), else the first lower's. Keys of origins from different
// lower filesystems then never collide.
dev_t originDev(const Fs &f, const ovl::FileHandle &fh)
{
    const auto &l = f.layers;
    if (!fh.nullUuid())
        for (size_t k = 0; k < l.lowerUuid.size(); ++k)
            if (l.lowerUuid[k] == fh.uuid)
                return l.lowerDev[k];
    return l.lowerDev.empty() ? 0 : l.lowerDev.front();
}

// `origin`: the inode number and the device of the lower layer an upper's origin
// names, so a copied-up object keeps the key (and st_ino) its lower had.
void setIdentity(Fs &f, Inode &in, const struct stat &real, std::optional<std::pair<dev_t, ino_t>> origin)
{
    in.type = real.st_mode & S_IFMT;
    if (in.upper.valid() && origin) {
        in.stIno = origin->second;
        in.keyDev = origin->first;
        in.keyIno = origin->second;
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

std::optional<XattrPlace> xattrPlace(const Inode &i, bool upper)
{
    const int fd = upper ? i.upper.get() : (i.lowers.empty() ? -1 : i.lowers.front().fd.get());
    if (fd < 0)
        return std::nullopt;
    if (i.isDir())
        return XattrPlace {fd, "."};
    if (!i.parent)
        return std::nullopt;
    int dirfd = -1;
    if (upper)
        dirfd = i.parent->upper.get();
    else
        for (const auto &l : i.parent->lowers)
            if (l.layer == i.lowers.front().layer)
                dirfd = l.fd.get();
    struct stat want {}, at {};
    if (dirfd < 0 || !statFd(fd, want) || ::fstatat(dirfd, i.name.c_str(), &at, AT_SYMLINK_NOFOLLOW) != 0
        || at.st_dev != want.st_dev || at.st_ino != want.st_ino)
        return std::nullopt;
    return XattrPlace {dirfd, i.name};
}

std::string procPath(int fd)
{
    return "/proc/self/fd/" + std::to_string(fd);
}

Result<Resolved> resolveChild(Fs &f, Inode &parent, const std::string &name)
{
    watchLowerDirs(f, parent); // before its layers are read (lowerwatch.h)
    Resolved r;
    auto in = std::make_unique<Inode>();
    in->parent = &parent;
    in->name = name;
    const auto ns = f.layers.ns;
    const int nlowers = static_cast<int>(f.layers.lowers.size());
    bool found = false, stop = false;
    struct stat top {};
    std::optional<std::pair<dev_t, ino_t>> origin; // what the upper's origin names
    std::optional<ovl::FileHandle> upperOrigin;
    std::optional<std::vector<std::string>> absPath;
    std::string lname = name;
    // namei.c ovl_lookup_data: d.metacopy (a metacopy file still waits for its
    // data), d.nextmetacopy (one was followed), d.absolute_redirect.
    bool metacopyPending = false, followedMetacopy = false, absoluteRedirect = false;

    auto applyRedirect = [&](const Result<std::optional<ovl::Redirect>> &red) {
        if (!red || !*red)
            return;
        absoluteRedirect = (*red)->absolute;
        if ((*red)->absolute)
            absPath = (*red)->components;
        else if (absPath)
            absPath->back() = (*red)->path;
        else
            lname = (*red)->path;
    };
    // ovl_check_follow_redirect(): following a metacopy file into the layers below
    // needs metacopy=on (a lower file redirected into a data-only layer excepted).
    auto refuseMetacopy
        = [&]() { return fail(makeError(name, "refusing to follow metacopy origin (mount with metacopy=on)", EPERM)); };

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
            const OverlayXattrs ox(parent.upper.get(), name, ns);
            const ovl::XattrReader rd(parent.upper.get(), name, ns, ox.presentKnown ? &ox.present : nullptr);
            if (ox.maybe(ovl::Attr::Origin)) {
                auto raw = rd.raw(ovl::Attr::Origin);
                in->hasOrigin = raw && raw->has_value();
                if (in->hasOrigin && !(*raw)->empty())
                    if (auto fh = ovl::decodeFileHandle(ovl::asBytes(**raw)))
                        upperOrigin = std::move(*fh);
            }
            if (auto ino = inoOf(upperOrigin))
                origin = std::pair {originDev(f, *upperOrigin), *ino};
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
                const auto red = rd.redirect();
                if (red && *red)
                    in->redirect = (*red)->path;
                applyRedirect(red);
            } else if (S_ISREG(top.st_mode)) {
                // An upper metacopy file (a kernel metacopy=on copy-up): its data is
                // found below, by name or through its redirect.
                auto mc = isMetacopy(rd, name);
                if (!mc)
                    return fail(mc.error());
                if (*mc) {
                    in->metacopy = metacopyPending = followedMetacopy = true;
                    applyRedirect(rd.redirect());
                } else {
                    stop = true;
                }
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
        if (followedMetacopy && !f.config.metacopy)
            return refuseMetacopy();

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
        if (metacopyPending && !S_ISREG(st.st_mode))
            break; // a metacopy's data can only be a regular file (ovl_lookup_single)
        if (ovl::isWhiteoutStat(st) || (!lastInStack && isXattrWhiteout(f, d, leaf, st, dirHasX)))
            break; // hides this name and everything below
        if (!found) {
            found = true;
            top = st;
        } else if (!metacopyPending && (!S_ISDIR(st.st_mode) || !S_ISDIR(top.st_mode))) {
            break; // only directories merge
        }
        LowerDir ld;
        ld.layer = layer;
        ld.fd = std::move(fd);
        if (S_ISREG(st.st_mode)) {
            auto mc = isMetacopy(ovl::XattrReader(d, leaf, ns), leaf);
            if (!mc)
                return fail(mc.error());
            if (*mc) {
                // Metadata only: go on below for the data. Only the top-most lower
                // metacopy is kept; its redirect (read unless this is the last
                // layer and there are no data-only layers: d.last) says where.
                metacopyPending = followedMetacopy = true;
                if (!in->upper.valid() && in->lowers.empty())
                    in->metacopy = true;
                if (in->lowers.empty())
                    in->lowers.push_back(std::move(ld));
                if (!lastInStack || !f.layers.data.empty())
                    applyRedirect(ovl::XattrReader(d, leaf, ns).redirect());
                continue;
            }
        }
        if (!S_ISDIR(st.st_mode)) {
            if (metacopyPending) {
                in->data = std::move(ld.fd);
                metacopyPending = false;
            } else {
                in->lowers.push_back(std::move(ld));
            }
            break;
        }
        if (!lastInStack) {
            const OverlayXattrs ox(d, leaf, ns);
            const ovl::XattrReader rd(d, leaf, ns, ox.presentKnown ? &ox.present : nullptr);
            auto op = rd.opaque();
            if (op && *op && **op == ovl::Opaque::Yes)
                stop = true;
            else if (op && *op && **op == ovl::Opaque::XWhiteouts)
                ld.xwhiteouts = true;
            applyRedirect(rd.redirect());
        }
        in->lowers.push_back(std::move(ld));
    }
    if (!found)
        return r;
    if (metacopyPending && !in->lowers.empty() && !f.layers.data.empty() && absoluteRedirect) {
        // The data is in a data-only layer: the kernel defers that lookup to the
        // first open, and needs no metacopy=on for it.
        lookupDataLayers(f, *in, *absPath);
    } else if (followedMetacopy && !f.config.metacopy) {
        return refuseMetacopy();
    } else if (metacopyPending) {
        return fail(makeError(name, "metacopy with no lower data found", EIO));
    }

    // `top` is the upper's stat when there is an upper, else the top lower's.
    std::optional<ino_t> indexOrigin;
    attachIndex(f, *in, top, upperOrigin ? &*upperOrigin : nullptr, indexOrigin);
    if (indexOrigin) {
        // The index entry of a lower hard link stands in for the upper: keyed as an
        // upper alias with that lower as origin will be.
        auto fh = ovl::handleOfFd(in->lowers.front().fd.get(), false,
                                  f.layers.lowers[static_cast<size_t>(in->lowers.front().layer)].get());
        origin = std::pair {fh ? originDev(f, *fh) : top.st_dev, *indexOrigin};
    }
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
    if (i.metacopy) {
        // ovl_getattr: a metacopy shows its data's blocks; data the kernel has not
        // looked up yet (data-only layers, before the first open) is guessed from
        // the size.
        struct stat ds {};
        if (i.data.valid() && (!i.dataInDataLayer || i.dataOpened) && statFd(i.data.get(), ds))
            st.st_blocks = ds.st_blocks;
        else
            st.st_blocks = (st.st_size + st.st_blksize - 1) / st.st_blksize * st.st_blksize / 512;
    }
    if (!i.indexName.empty())
        st.st_nlink = unionNlink(f, i, static_cast<unsigned>(st.st_nlink));
    if (i.merged())
        st.st_nlink = 1;
    return st;
}

Result<std::vector<DirEntry>> mergedEntries(Fs &f, const Inode &dir, bool withDots, bool *sawWhiteouts, bool listing)
{
    watchLowerDirs(f, dir); // before its layers are read (lowerwatch.h)
    const bool realDir = listing && !dir.merged() && !dir.hasOrigin;
    const bool fixInos = listing && (dir.merged() || dir.impure);
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
            ino_t ino = e->d_ino;
            if (s.upper && fixInos) {
                // A copied-up entry shows its origin's inode number, as its stat
                // does (readdir.c ovl_cache_update: d_ino of impure and merged dirs).
                if (auto o = originIno(ovl::XattrReader(s.fd, n, f.layers.ns)))
                    ino = *o;
            }
            out.push_back({std::move(n), t, ino});
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
