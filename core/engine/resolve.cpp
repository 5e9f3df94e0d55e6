// SPDX-License-Identifier: GPL-2.0-or-later
#include "resolve.h"

#include "index.h"
#include "layerobject.h"
#include "lowerwatch.h"
#include "ovl/filehandle.h"
#include "ovl/mergerules.h"
#include "ovl/xattrs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

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
// The xattr is read by name: ENOENT says the name went since it was opened (a
// lower changed under the mount), which the caller takes as the layer is now.
Result<bool> isMetacopy(const ovl::XattrReader &rd, const std::string &name)
{
    auto mc = rd.metacopy();
    if (!mc)
        return fail(makeError(name, mc.error().message(), mc.error().code == ENOENT ? ENOENT : EIO));
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

// `origin`: the inode number and the device of the lower layer an upper
// non-directory's origin names, so a copied-up file keeps the key (and st_ino) its
// lower had. A directory with an upper is keyed by the first lower dir its lookup
// found, else by its upper, as the kernel's inode is (ovl::originIsLower).
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
    // A lower object renamed or exchanged directly in its layer (lowerwatch) can
    // key another union object than the one the table holds under that key: a
    // lower file renamed after its copy-up (the upper copy keeps the lower's key,
    // its origin, while the lower file under its new name is another object), or a
    // lower dir moved while an upper dir merged with it stays (a merged dir is keyed
    // by the lower dir its lookup finds now, and that dir's old union object still
    // holds the key). A fresh mount shows two objects: the kernel's ovl_verify_inode
    // refuses to take one for the other ("Lookup of an uncovered redirect
    // origin?"). Whichever is looked up second gets a key of its own.
    std::lock_guard t(f.table);
    const auto it = f.inodes.find({in.keyDev, in.keyIno});
    if (it == f.inodes.end() || !it->second || it->second->isDir() != in.isDir())
        return;
    const Inode &known = *it->second;
    if (known.evicted.load(std::memory_order_acquire))
        return; // its fds closed (fdbudget.h): its upper unknown, its reopen checks the key
    bool other = known.upper.valid() != in.upper.valid();
    if (!other && in.isDir() && in.upper.valid()) {
        struct stat ks {};
        other = !statFd(known.upper.get(), ks) || ks.st_dev != real.st_dev || ks.st_ino != real.st_ino;
    }
    if (other) {
        in.keyIno = static_cast<ino_t>(in.keyIno ^ (static_cast<uint64_t>(in.keyDev) * 0x9e3779b97f4a7c15ULL));
        in.keyDev = static_cast<dev_t>(-2);
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
    const bool hasDataLayers = !f.layers.data.empty();
    bool found = false;
    struct stat top {};
    std::optional<std::pair<dev_t, ino_t>> origin; // what the upper's origin names
    std::optional<ovl::FileHandle> upperOrigin;
    std::optional<std::vector<std::string>> absPath;
    std::string lname = name;
    // The kernel's struct ovl_lookup_data (ovl/mergerules.h decides with it), plus
    // d.nextmetacopy (a metacopy was followed).
    ovl::LookupState d;
    bool followedMetacopy = false;

    // ovl_check_redirect() of an object lookupStep() said to check: its state part
    // decided by ovl::checkRedirect, the new path here.
    auto applyRedirect = [&](const Result<std::optional<ovl::Redirect>> &red) {
        const bool has = red && *red;
        ovl::checkRedirect(d, has, has && (*red)->absolute);
        if (!has)
            return;
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
    // The xattr facts the rules ask for (each read only when asked).
    auto readFacts = [&](ovl::LayerObject &o, const ovl::XattrReader &rd, const std::string &leaf) -> Result<void> {
        if (ovl::needsMetacopy(d, o.mode, true)) {
            auto mc = isMetacopy(rd, leaf);
            if (!mc)
                return fail(mc.error());
            o.metacopy = *mc;
        }
        if (ovl::needsOpaque(d, o.mode))
            o.opaque = opaqueOf(rd);
        return {};
    };

    if (parent.upper.valid()) {
        UniqueFd fd = openPath(parent.upper.get(), name);
        if (!fd && errno != ENOENT)
            return fail(sysError(errno, name, "lookup in upper"));
        if (fd) {
            if (!statFd(fd.get(), top))
                return fail(sysError(errno, name, "stat in upper"));
            const OverlayXattrs ox(parent.upper.get(), name, ns);
            auto o = objectFacts(ns, parent.upper.get(), name, top, &ox);
            const ovl::XattrReader rd = ox.reader(parent.upper.get(), name, ns);
            if (!ovl::lookupSeesWhiteout(o))
                if (auto facts = readFacts(o, rd, name); !facts)
                    return fail(facts.error());
            const auto step = ovl::lookupStep(d, true, true, o);
            if (step.kind == ovl::LookupStep::Kind::Whiteout) {
                r.upperWhiteout = true;
                return r;
            }
            found = true;
            in->upper = std::move(fd);
            if (ox.maybe(ovl::Attr::Origin)) {
                auto raw = rd.raw(ovl::Attr::Origin);
                in->hasOrigin = raw && raw->has_value();
                if (in->hasOrigin && !(*raw)->empty())
                    if (auto fh = ovl::decodeFileHandle(ovl::asBytes(**raw)))
                        upperOrigin = std::move(*fh);
            }
            // Only a non-directory's origin is its lower (ovl::originIsLower): a
            // directory is keyed by the lower dir its lookup finds, else its upper.
            if (auto ino = inoOf(upperOrigin); ino && ovl::originIsLower(S_ISDIR(top.st_mode)))
                origin = std::pair {originDev(f, *upperOrigin), *ino};
            if (S_ISDIR(top.st_mode)) {
                in->opaque = d.opaque;
                in->impure = [&] {
                    auto imp = rd.impure();
                    return imp && *imp;
                }();
                const auto red = rd.redirect();
                if (red && *red)
                    in->redirect = (*red)->path;
                if (step.checkRedirect)
                    applyRedirect(red);
            } else if (d.metacopy) {
                // An upper metacopy file (a kernel metacopy=on copy-up): its data is
                // found below, by name or through its redirect.
                in->metacopy = followedMetacopy = true;
                if (step.checkRedirect)
                    applyRedirect(rd.redirect());
            }
        }
    }

    int lastLayer = -1;
    size_t pi = 0;
    while (!d.stop) {
        int layer = 0, dirfd = -1;
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
            comps = {lname};
            ++pi;
        }
        lastLayer = layer;
        // userxattr turns redirects off: d->last is then the parent's last lower.
        const bool lastInParent = !absPath && pi >= parent.lowers.size();
        d.last = ovl::isLastLookupLayer(!f.config.userxattr, d.isDir, hasDataLayers, lastInParent, layer == nlowers - 1,
                                        d.last);
        if (!ovl::mayFollowMetacopy(followedMetacopy, f.config.metacopy))
            return refuseMetacopy();

        // The components before the leaf of an absolute redirect, as
        // ovl_lookup_single sees a path element: absent goes on to the next layer;
        // a whiteout or a non-directory ends the lookup; an opaque directory ends
        // it after this layer (the rules set d.stop). A path element's own
        // redirect (a lower that was once an upper) rewrites the path the layers
        // below look up, as ovl_check_redirect() does with prelen/post: the
        // elements after it are kept, counted from the end; this layer's walk goes
        // on along the old path.
        UniqueFd walk;
        int dfd = dirfd;
        bool reachable = true, blocked = false;
        for (size_t k = 0; k + 1 < comps.size(); ++k) {
            UniqueFd next = openPath(dfd, comps[k]);
            struct stat cst {};
            if (!next || !statFd(next.get(), cst)) {
                reachable = false;
                break;
            }
            auto o = objectFacts(ns, dfd, comps[k], cst);
            if (ovl::needsOpaque(d, o.mode))
                o.opaque = opaqueOf(ovl::XattrReader(dfd, comps[k], ns));
            const auto step = ovl::lookupStep(d, false, false, o);
            if (step.kind != ovl::LookupStep::Kind::Object) {
                blocked = true;
                break;
            }
            if (step.checkRedirect) {
                const auto red = ovl::XattrReader(dfd, comps[k], ns).redirect();
                const bool has = red && *red;
                ovl::checkRedirect(d, has, has && (*red)->absolute);
                if (has) {
                    const auto tail = static_cast<std::ptrdiff_t>(comps.size() - 1 - k);
                    std::vector<std::string> path;
                    if ((*red)->absolute) {
                        path = (*red)->components;
                    } else {
                        path.assign(absPath->begin(), absPath->end() - tail - 1);
                        path.push_back((*red)->path);
                    }
                    path.insert(path.end(), comps.end() - tail, comps.end());
                    absPath = std::move(path);
                }
            }
            walk = std::move(next);
            dfd = walk.get();
        }
        if (blocked)
            break;
        if (!reachable)
            continue;
        const bool stopAfter = d.stop; // an opaque component: this layer is the last
        const std::string &leaf = comps.back();
        UniqueFd fd = openPath(dfd, leaf);
        if (!fd) {
            if (errno == ENOENT || errno == ENOTDIR)
                continue; // the loop ends here when a component was opaque
            return fail(sysError(errno, leaf, "lookup in lower layer " + std::to_string(layer + 1)));
        }
        struct stat st {};
        if (!statFd(fd.get(), st))
            return fail(sysError(errno, leaf, "stat in lower layer"));
        auto o = objectFacts(ns, dfd, leaf, st);
        const bool wasMetacopy = d.metacopy;
        std::optional<OverlayXattrs> ox;
        std::optional<ovl::XattrReader> rd;
        if (!ovl::lookupSeesWhiteout(o) && (ovl::needsMetacopy(d, o.mode, true) || ovl::needsOpaque(d, o.mode))) {
            ox.emplace(dfd, leaf, ns);
            rd.emplace(ox->reader(dfd, leaf, ns));
            if (auto facts = readFacts(o, *rd, leaf); !facts) {
                // Gone from this layer since it was opened (test_gui_live_churn saw
                // EIO for a name a writer removed): looked up a moment later, as if
                // it had never been there. Its removal's event refreshes the name.
                if (facts.error().code == ENOENT)
                    continue;
                return fail(facts.error());
            }
        }
        const auto step = ovl::lookupStep(d, false, true, o);
        d.stop = d.stop || stopAfter;
        if (step.kind != ovl::LookupStep::Kind::Object)
            break; // a whiteout hides this name and everything below; the rest ends the merge
        if (!found) {
            found = true;
            top = st;
        }
        LowerDir ld;
        ld.layer = layer;
        ld.fd = std::move(fd);
        if (d.metacopy) {
            // Metadata only: go on below for the data. Only the top-most lower
            // metacopy is kept; its redirect (when the rules read it) says where.
            followedMetacopy = true;
            if (!in->upper.valid() && in->lowers.empty())
                in->metacopy = true;
            if (in->lowers.empty())
                in->lowers.push_back(std::move(ld));
            if (step.checkRedirect)
                applyRedirect(rd->redirect()); // read: checkRedirect needs the xattrs readFacts read
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (wasMetacopy)
                in->data = std::move(ld.fd);
            else
                in->lowers.push_back(std::move(ld));
            break;
        }
        ld.xwhiteouts = step.xwhiteouts;
        if (step.xwhiteouts)
            f.layers.lowerXWhiteouts[static_cast<size_t>(layer)] = true;
        if (step.checkRedirect)
            applyRedirect(rd->redirect()); // read: checkRedirect needs the xattrs readFacts read
        in->lowers.push_back(std::move(ld));
    }
    if (!found)
        return r;
    ovl::MetacopyFacts mf;
    mf.pending = d.metacopy;
    mf.followed = followedMetacopy;
    mf.lowerMetacopy = !in->lowers.empty();
    mf.absoluteRedirect = d.absoluteRedirect;
    mf.hasDataLayers = hasDataLayers;
    mf.metacopyOn = f.config.metacopy;
    switch (ovl::metacopyData(mf)) {
    case ovl::MetacopyData::DataOnlyLayers:
        // The kernel defers that lookup to the first open.
        lookupDataLayers(f, *in, *absPath);
        break;
    case ovl::MetacopyData::Refused:
        return refuseMetacopy();
    case ovl::MetacopyData::Missing:
        return fail(makeError(name, "metacopy with no lower data found", EIO));
    case ovl::MetacopyData::Resolved:
        break;
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
    // A directory's own lower dirs are watched from its lookup on, not only once it
    // is read: one reached through a redirect lies elsewhere in the lowers, where
    // no event about its union name is ever seen (lowerwatch.h).
    if (in->isDir())
        watchLowerDirs(f, *in);
    // Kernel overlayfs records the origin of a merge dir whose upper lacks one
    // at lookup (namei.c ovl_fix_origin), and marks the parent impure.
    if (!f.readOnly() && in->isDir() && in->upper.valid() && !in->lowers.empty() && !in->hasOrigin) {
        if (auto fh = ovl::handleOfFd(in->lowers.front().fd.get())) {
            if (ovl::setOrigin(parent.upper.get(), name, ns, &*fh))
                in->hasOrigin = true;
            if (!parent.impure && ovl::setImpure(parent.upper.get(), ".", ns)) {
                parent.impure = true;
                // Its listing may change now (ovl::readdirLooksUp): drop what the
                // kernel cached of it, as a copy-up into it does.
                if (f.session)
                    fuse_lowlevel_notify_inval_inode(f.session, f.nodeId(parent), 0, 0);
            }
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
        // super.c ovl_get_root(): "Look for xwhiteouts marker except in the
        // lowermost layer".
        const auto role = i == n - 1 ? ovl::LayerRole::LastLower : ovl::LayerRole::Lower;
        if (role != ovl::LayerRole::LastLower)
            ld.xwhiteouts = ovl::isXWhiteoutsDir(role, opaqueOf(ovl::XattrReader(ld.fd.get(), ".", f.layers.ns)));
        if (ld.xwhiteouts)
            f.layers.lowerXWhiteouts[static_cast<size_t>(i)] = true;
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

} // namespace strata::engine
