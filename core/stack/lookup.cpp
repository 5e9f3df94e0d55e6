// SPDX-License-Identifier: GPL-2.0-or-later
#include "lookup.h"

#include "dirreader.h"
#include "ovl/mergerules.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace strata::stack {

struct Lookup::State {
    std::string name; // a single name, or an absolute path after an absolute redirect
    ovl::LookupState k; // what ovl/mergerules.h decides with: is_dir, opaque, stop, last, metacopy
    bool redirected = false;
    bool redirectSeen = false; // a redirect was found in the layer just looked up
};

Lookup::Lookup(const LayerStack &stack, int topLayer)
    : m_stack(stack)
    , m_top(topLayer)
    , m_bottomLower(static_cast<int>(stack.mergedLayerCount()) - 1)
{
    for (size_t i = 0; i < stack.mergedLayerCount(); ++i) {
        const Layer &l = stack.layers()[i];
        if (l.role != Role::Upper && l.index >= topLayer)
            m_roots.push_back(OpenDir {l.index, "", false});
    }
    // super.c ovl_get_root(): "Look for xwhiteouts marker except in the lowermost
    // layer": a lower root with opaque=x makes the root an xwhiteouts dir.
    if (stack.canReadOverlayXattrs()) {
        for (size_t i = 0; i + 1 < m_roots.size(); ++i) {
            const ovl::XattrReader xr(stack.layers()[static_cast<size_t>(m_roots[i].layer)].fd.get(), ".",
                                      stack.xattrNamespace());
            const auto op = xr.opaque();
            m_roots[i].xwhiteouts = op && ovl::isXWhiteoutsDir(ovl::LayerRole::Lower, *op);
        }
        // An upper written by strata-fuse with xattr whiteouts (engine/upperformat.h).
        if (stack.hasUpper() && m_top == 0) {
            const auto op = ovl::XattrReader(stack.upper()->fd.get(), ".", stack.xattrNamespace()).opaque();
            m_upperX = op && ovl::upperKeepsXWhiteouts(*op);
        }
    }
}

std::vector<OpenDir> Lookup::rootDir() const
{
    std::vector<OpenDir> dirs;
    if (m_stack.hasUpper() && m_top == 0)
        dirs.push_back(OpenDir {0, "", m_upperX});
    dirs.insert(dirs.end(), m_roots.begin(), m_roots.end());
    return dirs;
}

std::vector<OpenDir> Lookup::childDirs(const Resolution &r) const
{
    // The lookup recorded, per merged dir, whether its opaque=x counts
    // (ovl::lookupStep: a lower that is not the last).
    std::vector<OpenDir> dirs;
    for (const Found &f : r.chain)
        if (S_ISDIR(f.st.st_mode))
            dirs.push_back(OpenDir {f.layer, f.path, f.xwhiteouts});
    return dirs;
}

Result<std::vector<OpenDir>> Lookup::descend(const Resolution &r, const std::string &mergedPath) const
{
    if (!r.visible()) {
        if (!r.problems.empty())
            return fail(makeError(mergedPath, r.problems.front().message(), r.problems.front().code));
        return fail(makeError(mergedPath,
                              r.whiteout ? "deleted in the merged view (whiteout in layer "
                                      + std::to_string(r.whiteout->layer) + ")"
                                         : "not in the merged view",
                              ENOENT));
    }
    if (!S_ISDIR(r.chain.front().st.st_mode))
        return fail(makeError(mergedPath, "not a directory in the merged view", ENOTDIR));
    return childDirs(r);
}

namespace {

std::string joinPath(const std::string &dir, const std::string &name)
{
    return dir.empty() ? name : dir + "/" + name;
}

} // namespace

// ovl_lookup_single(): one name in one layer directory.
bool Lookup::lookupSingle(int baseFd, int layer, const std::string &basePath, const std::string &name, bool lastElement,
                          size_t prelen, const std::string &post, State &d, std::optional<Found> &out, Resolution &r,
                          const struct stat *known) const
{
    out.reset();
    const ovl::Namespace ns = m_stack.xattrNamespace();
    const bool isUpper = m_stack.hasUpper() && layer == 0;
    Found f;
    f.layer = layer;
    f.path = joinPath(basePath, name);
    if (known) {
        if (known->st_mode == 0)
            return true; // known absent
        f.st = *known;
    } else if (::fstatat(baseFd, name.c_str(), &f.st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT || errno == ENAMETOOLONG)
            return true;
        r.problems.push_back(sysError(errno, f.path, "cannot stat in layer " + std::to_string(layer)));
        return false;
    }

    // One listxattr per object, at its first xattr question, says which overlay
    // attributes exist; the getxattr calls below then skip the absent ones.
    auto presence = [&]() -> const ovl::AttrSet * {
        if (!f.xattrsKnown) {
            if (auto set = ovl::presentAttrs(baseFd, name, ns)) {
                f.xattrs = *set;
                f.xattrsKnown = true;
            }
        }
        return f.xattrsKnown ? &f.xattrs : nullptr;
    };
    // The facts the rules ask for (ovl/mergerules.h), each read only when asked.
    auto o = ovl::LayerObject::fromStat(f.st);
    if (ovl::needsWhiteoutXattr(o.mode, o.size)) {
        auto marker = ovl::XattrReader(baseFd, name, ns, presence()).whiteoutMarker();
        if (!marker)
            r.problems.push_back(marker.error());
        else
            o.whiteoutXattr = *marker;
    }
    const bool whiteout = ovl::lookupSeesWhiteout(o);
    std::optional<ovl::XattrReader> xr;
    if (!whiteout && (ovl::needsMetacopy(d.k, o.mode, lastElement) || ovl::needsOpaque(d.k, o.mode)))
        xr.emplace(baseFd, name, ns, presence());
    if (!whiteout && ovl::needsMetacopy(d.k, o.mode, lastElement)) {
        auto mc = xr->metacopy();
        if (!mc) {
            r.problems.push_back(mc.error());
            // The kernel fails the lookup (EINVAL) on a malformed metacopy.
            if (mc.error().code == EINVAL)
                return false;
        } else {
            o.metacopy = f.metacopy = mc->has_value();
        }
    }
    if (!whiteout && ovl::needsOpaque(d.k, o.mode)) {
        auto op = xr->opaque();
        if (!op)
            r.problems.push_back(op.error()); // unknown value: the kernel treats it as not opaque
        else
            o.opaque = *op;
        if (o.opaque)
            f.opaque = *o.opaque == ovl::Opaque::Yes ? 'y' : 'x';
    }

    const auto step = ovl::lookupStep(d.k, isUpper, lastElement, o);
    if (step.kind == ovl::LookupStep::Kind::Whiteout) {
        f.kind = o.whiteoutXattr ? Found::Kind::XattrWhiteout : Found::Kind::Whiteout;
        out = std::move(f);
        return true;
    }
    if (step.kind == ovl::LookupStep::Kind::Ignored)
        return true; // a non-dir below a dir, or in the middle of a path: hides
    f.xwhiteouts = step.xwhiteouts || (isUpper && ovl::isUpperXWhiteoutsDir(m_upperX, o.opaque));
    if (!step.checkRedirect) {
        out = std::move(f);
        return true;
    }
    if (!xr)
        xr.emplace(baseFd, name, ns, presence());

    // ovl_check_redirect(): its state part decided by ovl::checkRedirect (as
    // strata-fuse's), the new path here.
    auto rd = xr->raw(ovl::Attr::Redirect);
    if (!rd || !rd->has_value())
        ovl::checkRedirect(d.k, false, false);
    if (!rd) {
        r.problems.push_back(rd.error());
    } else if (rd->has_value()) {
        f.redirect = **rd;
        auto parsed = ovl::parseRedirect(**rd);
        if (!parsed) {
            // ovl_get_redirect_xattr(): "invalid redirect" fails the lookup (EINVAL).
            Error e = parsed.error();
            e.subject = f.path;
            r.problems.push_back(e);
            return false;
        }
        d.redirectSeen = true;
        d.redirected = true;
        ovl::checkRedirect(d.k, true, parsed->absolute);
        if (parsed->absolute)
            d.name = parsed->path + post;
        else
            d.name = d.name.substr(0, prelen) + parsed->path + post;
    }
    out = std::move(f);
    return true;
}

// ovl_lookup_layer(): a single name, or an absolute path walked from the layer root
// one component at a time, "counting down from the end, since the prefix can
// change" when a component carries a relative redirect.
bool Lookup::lookupLayer(const OpenDir &base, size_t pos, State &d, std::optional<Found> &out, Resolution &r,
                         const Prefetch &prefetch) const
{
    d.redirectSeen = false;
    out.reset();
    const int layerFd = m_stack.layers()[static_cast<size_t>(base.layer)].fd.get();
    if (d.name.empty() || d.name[0] != '/') {
        std::optional<PrefetchHit> known;
        if (prefetch && !d.redirected)
            known = prefetch(pos, d.name);
        if (known && known->st.st_mode == 0)
            return true; // known absent from the listing already read: no need to open the dir
        if (known && known->dirFd >= 0)
            return lookupSingle(known->dirFd, base.layer, base.path, d.name, true, 0, "", d, out, r, &known->st);
        auto dir = openLayerDir(layerFd, base.path, false);
        if (!dir) {
            if (dir.error().code == ENOENT || dir.error().code == ENOTDIR)
                return true; // the directory vanished from under us: nothing there
            r.problems.push_back(dir.error());
            return false;
        }
        return lookupSingle(dir->get(), base.layer, base.path, d.name, true, 0, "", d, out, r,
                            known ? &known->st : nullptr);
    }

    auto root = openLayerDir(layerFd, "", false);
    if (!root) {
        r.problems.push_back(root.error());
        return false;
    }
    UniqueFd cur = std::move(*root);
    std::string curPath;
    size_t rem = d.name.size() - 1;
    for (;;) {
        const size_t start = d.name.size() - rem;
        size_t next = d.name.find('/', start);
        if (next == std::string::npos)
            next = d.name.size();
        const std::string comp = d.name.substr(start, next - start);
        const bool end = next == d.name.size();
        const std::string post = d.name.substr(next);
        std::optional<Found> f;
        if (!lookupSingle(cur.get(), base.layer, curPath, comp, end, start, post, d, f, r, nullptr))
            return false;
        if (!f || end) {
            out = std::move(f);
            return true;
        }
        if (!S_ISDIR(f->st.st_mode) || f->kind != Found::Kind::Object)
            return true; // walked into a non-directory: nothing at the full path
        const int nfd = ::openat(cur.get(), comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0)
            return true;
        cur.reset(nfd);
        curPath = f->path;
        // d.name may have been rewritten by a redirect: keep counting from the end.
        rem -= comp.size() + 1;
        if (rem >= d.name.size())
            return true;
    }
}

Resolution Lookup::resolve(const std::vector<OpenDir> &parent, const std::string &name, const Prefetch &prefetch) const
{
    Resolution r;
    State d;
    d.name = name;
    const std::vector<OpenDir> *poe = &parent;
    size_t i = 0;

    auto take = [&](std::optional<Found> &f) {
        if (!f)
            return;
        if (f->kind != Found::Kind::Object) {
            if (r.chain.empty())
                r.whiteout = std::move(*f);
            return;
        }
        r.chain.push_back(std::move(*f));
    };

    // The upper first: a redirect found there re-roots the lower search.
    if (!parent.empty() && m_stack.hasUpper() && parent.front().layer == 0) {
        std::optional<Found> f;
        d.k.last = m_roots.empty();
        if (!lookupLayer(parent.front(), 0, d, f, r, prefetch))
            return r;
        if (d.redirectSeen && !m_stack.redirectFollow() && !d.k.stop) {
            take(f);
            r.problems.push_back(makeError(name,
                                           "the kernel refuses to follow the redirect of this entry "
                                           "(redirect_dir=nofollow): lookup fails with EPERM",
                                           EPERM));
            return r;
        }
        take(f);
        if (d.redirected && d.k.absoluteRedirect)
            poe = &m_roots;
        else
            i = 1;
    }

    for (; !d.k.stop && i < poe->size(); ++i) {
        const OpenDir &lower = (*poe)[i];
        d.k.last = ovl::isLastLookupLayer(m_stack.redirectFollow(), d.k.isDir,
                                          m_stack.layers().size() > m_stack.mergedLayerCount(), i == poe->size() - 1,
                                          lower.layer == m_bottomLower, d.k.last);
        std::optional<Found> f;
        const size_t pos = poe == &parent ? i : SIZE_MAX;
        if (!lookupLayer(lower, pos, d, f, r, poe == &parent ? prefetch : Prefetch {}))
            return r;
        if (f && f->kind == Found::Kind::Object && !r.chain.empty() && r.chain.back().metacopy)
            r.dataLayer = static_cast<int>(r.chain.size());
        take(f);
        if (d.redirectSeen && !m_stack.redirectFollow()) {
            r.problems.push_back(makeError(name,
                                           "the kernel refuses to follow a redirect below this entry "
                                           "(redirect_dir=nofollow): lookup fails with EPERM",
                                           EPERM));
            return r;
        }
        if (d.k.stop)
            break;
        if (d.redirected && d.k.absoluteRedirect && poe != &m_roots) {
            // "Find the current layer on the root dentry" and go on below it.
            size_t k = 0;
            while (k < m_roots.size() && m_roots[k].layer != lower.layer)
                ++k;
            poe = &m_roots;
            i = k;
        }
    }
    r.followedRedirect = d.redirected;

    if (!r.chain.empty() && r.chain.front().metacopy) {
        r.metacopy = true;
        // Where the data lies is decided by the rule strata-fuse applies too
        // (ovl::metacopyData, the end of namei.c ovl_lookup).
        const bool upperLayer0 = m_stack.hasUpper();
        ovl::MetacopyFacts mf;
        mf.pending = d.k.metacopy;
        mf.followed = true; // the top object is metadata only: the lookup went on below it
        mf.lowerMetacopy = std::any_of(r.chain.begin(), r.chain.end(),
                                       [&](const Found &f) { return f.metacopy && !(upperLayer0 && f.layer == 0); });
        mf.absoluteRedirect = d.k.absoluteRedirect;
        mf.hasDataLayers = m_stack.layers().size() > m_stack.mergedLayerCount();
        mf.metacopyOn = m_stack.metacopyEnabled();
        switch (ovl::metacopyData(mf)) {
        case ovl::MetacopyData::DataOnlyLayers:
            // Data-only layers are reached only through an absolute redirect.
            lookupDataLayers(d.name, r);
            break;
        case ovl::MetacopyData::Refused:
            r.problems.push_back(makeError(name,
                                           "metacopy file, but the stack is mounted with metacopy=off: the "
                                           "kernel refuses to follow it (EPERM)",
                                           EPERM));
            break;
        case ovl::MetacopyData::Missing:
            r.problems.push_back(makeError(name,
                                           "metacopy file whose data is in no layer below: the kernel fails "
                                           "its lookup (EIO, \"metacopy with no lower data found\")",
                                           EIO));
            break;
        case ovl::MetacopyData::Resolved:
            break;
        }
        if (r.chain.size() > 1 && !r.chain.back().metacopy)
            r.dataLayer = static_cast<int>(r.chain.size() - 1);
        else
            r.dataLayer.reset();
    }
    return r;
}

// ovl_lookup_data_layers(): the first regular file at the redirect path.
void Lookup::lookupDataLayers(const std::string &path, Resolution &r) const
{
    for (size_t li = m_stack.mergedLayerCount(); li < m_stack.layers().size(); ++li) {
        const Layer &layer = m_stack.layers()[li];
        const std::string rel = path.starts_with('/') ? path.substr(1) : path;
        auto fd = openLayerDir(layer.fd.get(), "", false);
        if (!fd)
            continue;
        struct stat st {};
        // A data path must be reached without symlinks, beneath the layer.
        const size_t slash = rel.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash);
        const std::string base = slash == std::string::npos ? rel : rel.substr(slash + 1);
        auto dfd = openLayerDir(layer.fd.get(), dir, false);
        if (!dfd || ::fstatat(dfd->get(), base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (!S_ISREG(st.st_mode))
            continue;
        Found f;
        f.layer = layer.index;
        f.path = rel;
        f.st = st;
        r.chain.push_back(std::move(f));
        return;
    }
}

} // namespace strata::stack
