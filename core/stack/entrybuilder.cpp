// SPDX-License-Identifier: GPL-2.0-or-later
#include "entrybuilder.h"

#include "origin.h"
#include "ovl/mergerules.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>

namespace strata::stack {

std::optional<std::string> UpperAliases::find(const Layer &upper, const struct stat &st)
{
    // Not on the upper's filesystem: no alias there, and no reason to walk it.
    if (st.st_dev != upper.fs.dev)
        return std::nullopt;
    std::lock_guard lock(m_mutex);
    if (!m_built) {
        // Depth first, names in directory order; the first name of an inode wins.
        std::vector<std::string> todo {""};
        while (!todo.empty()) {
            const std::string dir = std::move(todo.back());
            todo.pop_back();
            auto fd = openLayerDir(upper.fd.get(), dir, true);
            if (!fd)
                continue;
            auto entries = readLayerDir(fd->get(), dir);
            if (!entries)
                continue;
            for (const RawEntry &e : *entries) {
                const std::string path = dir.empty() ? e.name : dir + "/" + e.name;
                if (S_ISDIR(e.st.st_mode))
                    todo.push_back(path);
                else if (e.st.st_nlink > 1) // an index entry's alias shares its inode
                    m_paths.emplace(e.st.st_ino, path);
            }
        }
        m_built = true;
    }
    const auto it = m_paths.find(st.st_ino);
    if (it == m_paths.end())
        return std::nullopt;
    return it->second;
}

void UpperAliases::clear()
{
    std::lock_guard lock(m_mutex);
    m_built = false;
    m_paths.clear();
}

EntryBuilder::EntryBuilder(const LayerStack &stack, const Lookup &lookup, LayerDirTable &table, const ListOptions &opts)
    : m_stack(stack)
    , m_lookup(lookup)
    , m_table(table)
    , m_opts(opts)
{ }

namespace {

std::string parentOf(const std::string &path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string baseOf(const std::string &path)
{
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Whether `path` is `dir`/`name` (`name` alone in the root), without building it:
// the listing asks this for every version of every name.
bool isLayerPath(const std::string &path, const std::string &dir, const std::string &name)
{
    if (dir.empty())
        return path == name;
    return path.size() == dir.size() + 1 + name.size() && path.compare(0, dir.size(), dir) == 0
        && path[dir.size()] == '/' && path.compare(dir.size() + 1, name.size(), name) == 0;
}

bool optionOn(const LayerStack &stack, std::string_view key)
{
    const auto *v = stack.spec().option(key);
    return v && v->has_value() && **v == "on";
}

// `target` as a path relative to the directory `from` ("../work/index/..."), both
// resolved first.
std::string relativeTo(const std::string &from, const std::string &target)
{
    auto real = [](const std::string &p) {
        char buf[PATH_MAX];
        return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
    };
    auto split = [](const std::string &p) {
        std::vector<std::string> out;
        for (size_t i = 0; i < p.size();) {
            const size_t j = std::min(p.find('/', i), p.size());
            if (j > i)
                out.push_back(p.substr(i, j - i));
            i = j + 1;
        }
        return out;
    };
    const auto a = split(real(from));
    const auto b = split(real(target));
    size_t common = 0;
    while (common < a.size() && common < b.size() && a[common] == b[common])
        ++common;
    std::string out;
    for (size_t i = common; i < a.size(); ++i)
        out += "../";
    for (size_t i = common; i < b.size(); ++i)
        out += (i > common ? "/" : "") + b[i];
    return out;
}

// namei.c ovl_lookup(): "Always lookup index if there is no-upperdentry": with
// index=on, a lower non-dir whose inode was copied up through another hard-link
// alias is found in workdir/index by the file handle of its top lower inode
// (ovl_lookup_index, ovl_get_index_name), and the index entry becomes the entry's
// upper inode. Index entries exist for lower hard links only (ovl_need_index),
// unless nfs_export indexes everything.
struct IndexHit {
    std::string name; // index entry name (hex of the lower file handle)
    struct stat st {};
    UniqueFd indexFd; // workdir/index
};

std::optional<IndexHit> lookupIndex(const LayerStack &stack, const Found &lowerTop)
{
    if (!stack.hasUpper() || !stack.workdir() || lowerTop.layer == 0 || S_ISDIR(lowerTop.st.st_mode))
        return std::nullopt;
    if (!optionOn(stack, "index") && !optionOn(stack, "nfs_export"))
        return std::nullopt;
    if (lowerTop.st.st_nlink <= 1 && !optionOn(stack, "nfs_export"))
        return std::nullopt;
    const Layer &layer = stack.layers()[static_cast<size_t>(lowerTop.layer)];
    UniqueFd fd(::openat(layer.fd.get(), lowerTop.path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd)
        return std::nullopt;
    auto fh = ovl::handleOfFd(fd.get());
    if (!fh)
        return std::nullopt;
    if (const auto *uuid = stack.spec().option("uuid"); uuid && uuid->has_value() && **uuid == "off")
        fh->uuid = {}; // ovl_origin_uuid(): uuid=off encodes the null uuid
    IndexHit hit;
    hit.name = ovl::indexName(*fh);
    UniqueFd index(::open((*stack.workdir() + "/index").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!index || ::fstatat(index.get(), hit.name.c_str(), &hit.st, AT_SYMLINK_NOFOLLOW) != 0)
        return std::nullopt;
    // A whiteout or a wrong type makes the kernel's lookup fail ("bad index found").
    if (ovl::isWhiteoutStat(hit.st) || (hit.st.st_mode & S_IFMT) != (lowerTop.st.st_mode & S_IFMT))
        return std::nullopt;
    hit.indexFd = std::move(index);
    return hit;
}

// The entry's visible inode is the index entry (an upper inode): its attributes and,
// unless it is metacopy, its data. It is shown as an upper alias that links to it,
// or, when none is left, as the index entry itself (a path relative to the upper
// root that leads into workdir/index).
void applyIndexHit(MergedEntry &e, const IndexHit &hit, const Resolution &r, const LayerStack &stack,
                   const ListOptions &opts, UpperAliases &aliases)
{
    const Found &lower = r.chain.front();
    const std::string indexPath = *stack.workdir() + "/index/" + hit.name;
    e.shadowed.insert(e.shadowed.begin(),
                      ShadowedVersion {lower.layer, lower.path, ShadowKind::Hidden, Attrs::fromStat(lower.st)});
    e.attrs = Attrs::fromStat(hit.st);
    e.state |= StateCopiedUp;
    e.layer = 0;
    if (auto alias = aliases.find(stack.layers().front(), hit.st))
        e.layerPath = *alias;
    else // every upper alias is gone (unlinked, or only the nlink was tracked): the index entry itself
        e.layerPath = relativeTo(stack.layers().front().path, indexPath);
    const ovl::XattrReader xr(hit.indexFd.get(), hit.name, stack.xattrNamespace());
    if (auto mc = xr.metacopy(); mc && *mc) {
        e.state |= StateMetacopy;
        DataInfo data;
        data.metacopy = **mc;
        const Found &src = r.dataLayer ? r.chain[static_cast<size_t>(*r.dataLayer)] : lower;
        data.layer = src.layer;
        data.path = src.path;
        e.data = std::move(data);
    } else {
        e.state &= ~StateMetacopy;
        e.data.reset();
    }
    if (opts.readOrigins) {
        if (auto raw = xr.raw(ovl::Attr::Origin); raw && *raw) {
            std::vector<OriginCandidate> candidates;
            for (const Found &f : r.chain)
                candidates.push_back({f.layer, f.path, f.st});
            e.origin = resolveOrigin(stack, **raw, candidates);
        }
    }
}

} // namespace

int EntryBuilder::dirFdFor(int layer, const std::string &parentPath, UniqueFd &owned) const
{
    for (size_t pos = 0; pos < m_table.dirs.size(); ++pos)
        if (m_table.dirs[pos].layer == layer && m_table.dirs[pos].path == parentPath && m_table.fds[pos])
            return m_table.fds[pos].get();
    auto fd = openLayerDir(m_stack.layers()[static_cast<size_t>(layer)].fd.get(), parentPath, false);
    if (!fd)
        return -1;
    owned = std::move(*fd);
    return owned.get();
}

namespace {

using Head = std::pair<const char *, size_t>; // a layer's smallest name, its pos
// Bytewise, as strcmp compares (unsigned char); the smallest name on top.
bool headAfter(const Head &a, const Head &b)
{
    const int c = std::strcmp(a.first, b.first);
    return c != 0 ? c > 0 : a.second > b.second;
}

} // namespace

void EntryBuilder::start()
{
    m_started = true;
    // inode.c ovl_get_inode(), "Check for non-merge dir that may have whiteouts": only
    // a dir merged from several layers, one whose real dir carries overlay.origin,
    // and the root (super.c ovl_get_root) get OVL_WHITEOUTS. Readdir of any other dir
    // is the real dir's (readdir.c ovl_dir_is_real): whiteouts are listed, and only
    // the lookup of such a name finds the whiteout (ENOENT).
    m_rules.emplace(m_stack, m_table.dirs, !m_table.fds.empty() && m_table.fds[0] ? m_table.fds[0].get() : -1);
    // k-way merge over per-layer heaps of name offsets: names in bytewise order, each
    // with its occurrences top first. make_heap is linear; each name then costs a
    // log-time pop when it is reached instead of a full sort before the first one.
    const size_t n = m_table.names.size();
    m_heapSize.assign(n, 0);
    m_statFailed.assign(n, false);
    m_current.assign(n, RawEntry {});
    for (size_t pos = 0; pos < n; ++pos) {
        DirNames &d = m_table.names[pos];
        const char *pool = d.pool.data();
        std::make_heap(d.offsets.begin(), d.offsets.end(),
                       [pool](uint32_t a, uint32_t b) { return std::strcmp(pool + a, pool + b) > 0; });
        m_heapSize[pos] = d.size();
        if (d.size())
            m_heads.push_back({d.name(0), pos});
    }
    std::make_heap(m_heads.begin(), m_heads.end(), headAfter);
}

// Takes the next name off the heaps with every layer's version of it, statted. An
// entry removed since the directory was read is dropped (it is not there); one that
// cannot be statted is reported and left to the lookup, which stats it again.
bool EntryBuilder::nextName(std::string &name)
{
    if (m_heads.empty())
        return false;
    name = m_heads.front().first;
    m_occ.clear();
    std::fill(m_statFailed.begin(), m_statFailed.end(), false);
    while (!m_heads.empty() && name == m_heads.front().first) {
        const size_t pos = m_heads.front().second;
        std::pop_heap(m_heads.begin(), m_heads.end(), headAfter);
        m_heads.pop_back();
        DirNames &d = m_table.names[pos];
        const char *pool = d.pool.data();
        std::pop_heap(d.offsets.begin(), d.offsets.begin() + static_cast<std::ptrdiff_t>(m_heapSize[pos]),
                      [pool](uint32_t a, uint32_t b) { return std::strcmp(pool + a, pool + b) > 0; });
        if (--m_heapSize[pos] > 0) {
            m_heads.push_back({d.name(0), pos});
            std::push_heap(m_heads.begin(), m_heads.end(), headAfter);
        }
        RawEntry &raw = m_current[pos];
        raw.name = name;
        auto there = statLayerEntry(m_table.fds[pos].get(), raw, m_table.paths[pos]);
        if (!there) {
            m_problems.push_back(there.error());
            m_statFailed[pos] = true;
        } else if (*there) {
            m_occ.push_back({pos, &raw});
        }
    }
    std::sort(m_occ.begin(), m_occ.end(), [](const Occurrence &a, const Occurrence &b) { return a.pos < b.pos; });
    return true;
}

bool EntryBuilder::buildSome(std::vector<MergedEntry> &out, size_t max)
{
    if (!m_started)
        start();
    std::string name;
    // Answers the lookup of the current name from the versions just statted.
    const Prefetch prefetch = [this, &name](size_t pos, const std::string &n) -> std::optional<PrefetchHit> {
        if (pos >= m_table.names.size() || !m_table.readOk[pos] || m_statFailed[pos] || n != name)
            return std::nullopt;
        PrefetchHit hit {};
        hit.dirFd = m_table.fds[pos] ? m_table.fds[pos].get() : -1;
        for (const Occurrence &o : m_occ)
            if (o.pos == pos)
                hit.st = o.raw->st;
        return hit; // st_mode 0: absent
    };

    for (size_t made = 0; made < max && nextName(name);) {
        if (m_occ.empty())
            continue; // every version vanished or could not be statted
        // readdir: the topmost version decides whether the name is listed.
        const Occurrence &top = m_occ.front();
        // Whether this dir filters at all is read only for a name it could hide.
        const bool filters
            = ReaddirRules::mayHide(ovl::LayerObject::fromStat(top.raw->st)) && m_rules->filtersWhiteouts();
        const ovl::LayerObject o = readdirFacts(name, top, filters);
        const bool whiteout = ovl::readdirHides(filters, m_table.dirs[top.pos].xwhiteouts, filters && looksUp(top), o);
        const bool xattrWhiteout = whiteout && o.whiteoutXattr;
        if (whiteout) {
            if (m_opts.includeWhiteouts) {
                out.push_back(whiteoutEntry(name, m_occ, xattrWhiteout));
                ++made;
            }
            continue;
        }
        const Resolution r = m_lookup.resolve(m_table.dirs, name, prefetch);
        out.push_back(visibleEntry(name, m_occ, r));
        ++made;
        if (m_childDirs && r.visible() && S_ISDIR(r.chain.front().st.st_mode) && out.back().isDir())
            m_childDirs->emplace_back(name, m_lookup.childDirs(r));
    }
    return !m_heads.empty();
}

// One version's facts for readdir's rules, overlay.whiteout read only when they
// ask for it (ovl::readdirNeedsWhiteoutXattr).
ovl::LayerObject EntryBuilder::readdirFacts(const std::string &name, const Occurrence &o, bool filters) const
{
    auto facts = ovl::LayerObject::fromStat(o.raw->st);
    if (m_table.fds[o.pos]
        && ovl::readdirNeedsWhiteoutXattr(filters, m_table.dirs[o.pos].xwhiteouts, filters && looksUp(o), facts.mode,
                                          facts.size)) {
        auto marker = ovl::hasXattrWhiteoutMarker(m_table.fds[o.pos].get(), name, m_stack.xattrNamespace());
        facts.whiteoutXattr = marker && *marker;
    }
    return facts;
}

// A version below the visible one that is itself a whiteout, as readdir of that
// layer's dir would take it: a 0/0 device, or an xattr whiteout in a layer whose
// dir counts opaque=x.
bool EntryBuilder::isLowerWhiteout(const std::string &name, const Occurrence &o) const
{
    return ovl::readdirHides(true, m_table.dirs[o.pos].xwhiteouts, false, readdirFacts(name, o, true));
}

// Whether the kernel's listing of this dir looks the entry up (ovl::readdirLooksUp),
// as a fresh mount would: the upper dir's impure xattr, the layers' devices.
bool EntryBuilder::looksUp(const Occurrence &o) const
{
    return m_rules->looksUp(o.pos);
}

MergedEntry EntryBuilder::whiteoutEntry(const std::string &name, const std::vector<Occurrence> &occ, bool xattr) const
{
    MergedEntry e;
    e.name = name;
    const Occurrence &top = occ.front();
    const OpenDir &dir = m_table.dirs[top.pos];
    e.layer = dir.layer;
    e.layerPath = dir.path.empty() ? name : dir.path + "/" + name;
    e.attrs = Attrs::fromStat(top.raw->st);
    e.state = StateWhiteout | (xattr ? StateXattrWhiteout : 0u) | (top.raw->st.st_nlink > 1 ? StateSharedWhiteout : 0u);
    for (size_t i = 1; i < occ.size(); ++i) {
        const OpenDir &d = m_table.dirs[occ[i].pos];
        e.shadowed.push_back(ShadowedVersion {d.layer, d.path.empty() ? name : d.path + "/" + name,
                                              isLowerWhiteout(name, occ[i]) ? ShadowKind::Whiteout : ShadowKind::Hidden,
                                              Attrs::fromStat(occ[i].raw->st)});
    }
    return e;
}

MergedEntry EntryBuilder::visibleEntry(const std::string &name, const std::vector<Occurrence> &occ,
                                       const Resolution &r) const
{
    MergedEntry e;
    e.name = name;
    e.problems = r.problems;
    if (!r.visible()) {
        // readdir lists the name but the kernel's lookup does not find it (an xattr
        // whiteout outside an opaque=x dir, or a lookup error): show what is there.
        const Occurrence &top = occ.front();
        const OpenDir &dir = m_table.dirs[top.pos];
        e.layer = dir.layer;
        e.layerPath = dir.path.empty() ? name : dir.path + "/" + name;
        e.attrs = Attrs::fromStat(top.raw->st);
        if (r.whiteout)
            e.problems.push_back(makeError(e.layerPath,
                                           "listed by readdir, but lookup treats it as a whiteout "
                                           "(stat through the mount fails with ENOENT)",
                                           ENOENT));
        return e;
    }
    const Found &top = r.chain.front();
    e.layer = top.layer;
    e.layerPath = top.path;
    e.attrs = Attrs::fromStat(top.st);
    if (top.redirect) {
        e.redirect = top.redirect;
        e.state |= StateRedirected;
    }
    if (e.isDir()) {
        for (const Found &f : r.chain)
            e.dirLayers.push_back(f.layer);
        if (r.chain.size() > 1)
            e.state |= StateMerged;
        if (top.opaque == 'y')
            e.state |= StateOpaque;
        for (const OpenDir &d : m_lookup.childDirs(r))
            if (d.xwhiteouts)
                e.state |= StateXWhiteoutsDir;
    }

    // What lies beneath: chain members contribute (merged dirs, metacopy data);
    // every other version of the name in this dir's layers is hidden by the entry.
    for (size_t i = 1; i < r.chain.size(); ++i) {
        const Found &f = r.chain[i];
        ShadowKind kind = ShadowKind::Hidden;
        if (e.isDir())
            kind = ShadowKind::Merged;
        else if (r.dataLayer && static_cast<size_t>(*r.dataLayer) == i)
            kind = ShadowKind::DataSource;
        e.shadowed.push_back(ShadowedVersion {f.layer, f.path, kind, Attrs::fromStat(f.st)});
    }
    for (const Occurrence &o : occ) {
        const OpenDir &d = m_table.dirs[o.pos];
        const bool inChain = std::any_of(r.chain.begin(), r.chain.end(), [&](const Found &f) {
            return f.layer == d.layer && isLayerPath(f.path, d.path, name);
        });
        if (inChain)
            continue;
        const std::string path = d.path.empty() ? name : d.path + "/" + name;
        ShadowKind kind = ShadowKind::Hidden;
        if (isLowerWhiteout(name, o))
            kind = ShadowKind::Whiteout;
        else if (r.followedRedirect)
            kind = ShadowKind::Unrelated;
        e.shadowed.push_back(ShadowedVersion {d.layer, path, kind, Attrs::fromStat(o.raw->st)});
    }
    std::sort(e.shadowed.begin(), e.shadowed.end(),
              [](const ShadowedVersion &a, const ShadowedVersion &b) { return a.layer < b.layer; });

    readObjectXattrs(e, top, occ, r);
    if (auto hit = lookupIndex(m_stack, top)) {
        UpperAliases ownAliases; // a builder used on its own walks the upper for itself
        applyIndexHit(e, *hit, r, m_stack, m_opts, m_aliases ? *m_aliases : ownAliases);
    }
    if (m_stack.hasUpper() && e.layer == 0 && e.shadowed.empty() && !(e.state & StateCopiedUp))
        e.state |= StateUpperOnly;
    return e;
}

void EntryBuilder::readObjectXattrs(MergedEntry &e, const Found &top, const std::vector<Occurrence> &occ,
                                    const Resolution &r) const
{
    // Unreadable overlay xattrs are a fact of the whole stack
    // (LayerStack::canReadOverlayXattrs), reported once by the caller, not per entry.
    if (!m_stack.canReadOverlayXattrs())
        return;
    // Nearly always the version of this dir's layer dir, whose fd is open here;
    // otherwise (a redirect led elsewhere) its own dir.
    UniqueFd owned;
    int dirFd = -1;
    for (const Occurrence &o : occ)
        if (m_table.dirs[o.pos].layer == top.layer && m_table.fds[o.pos]
            && isLayerPath(top.path, m_table.dirs[o.pos].path, e.name)) {
            dirFd = m_table.fds[o.pos].get();
            break;
        }
    const bool here = dirFd >= 0;
    if (!here)
        dirFd = dirFdFor(top.layer, parentOf(top.path), owned);
    if (dirFd < 0)
        return;
    const std::string base = here ? e.name : baseOf(top.path);
    // The lookup did not list them (a dir of the last layer: no marker read there):
    // one listxattr answers the questions below when there are several, rather than
    // a getxattr for each.
    const int questions
        = int(r.metacopy) + int(e.isDir()) + int(m_stack.hasUpper() && top.layer == 0) + int(m_opts.readOrigins);
    std::optional<ovl::AttrSet> listed;
    if (!top.xattrsKnown && questions >= 2)
        if (auto set = ovl::presentAttrs(dirFd, base, m_stack.xattrNamespace()))
            listed = *set;
    const ovl::XattrReader xr(dirFd, base, m_stack.xattrNamespace(),
                              top.xattrsKnown ? &top.xattrs : (listed ? &*listed : nullptr));

    if (r.metacopy) {
        e.state |= StateMetacopy;
        DataInfo data;
        if (auto mc = xr.metacopy(); mc && *mc)
            data.metacopy = **mc;
        if (r.dataLayer) {
            const Found &src = r.chain[static_cast<size_t>(*r.dataLayer)];
            data.layer = src.layer;
            data.path = src.path;
        } else {
            e.problems.push_back(makeError(e.layerPath,
                                           "metacopy file whose data was not found in any lower or "
                                           "data-only layer: reading it fails",
                                           ENOENT));
        }
        e.data = std::move(data);
    }
    if (e.isDir()) {
        if (auto impure = xr.impure(); impure && *impure)
            e.state |= StateImpure;
    }
    if (m_stack.hasUpper() && top.layer == 0) {
        if (auto pa = xr.protattr(); pa && *pa)
            e.protattr = **pa;
    }
    if (!m_opts.readOrigins)
        return;
    auto raw = xr.raw(ovl::Attr::Origin);
    if (!raw) {
        e.problems.push_back(raw.error());
        return;
    }
    if (!raw->has_value())
        return;
    e.state |= StateCopiedUp;
    std::vector<OriginCandidate> candidates;
    for (const Occurrence &o : occ) {
        const OpenDir &d = m_table.dirs[o.pos];
        if (d.layer != top.layer)
            candidates.push_back({d.layer, d.path.empty() ? e.name : d.path + "/" + e.name, o.raw->st});
    }
    for (size_t i = 1; i < r.chain.size(); ++i)
        candidates.push_back({r.chain[i].layer, r.chain[i].path, r.chain[i].st});
    e.origin = resolveOrigin(m_stack, **raw, candidates);
}

} // namespace strata::stack
