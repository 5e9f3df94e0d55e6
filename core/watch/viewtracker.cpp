// SPDX-License-Identifier: GPL-2.0-or-later
#include "viewtracker.h"

#include "handlemap.h"
#include "stack/dirreader.h"
#include "stackwatcher.h"

#include <algorithm>
#include <cerrno>
#include <deque>

namespace strata::watch {

using namespace strata::stack;

namespace {

constexpr int kMaxDepth = 256; // nested dirs re-examined for one change

std::string layerKey(int layer, const std::string &path)
{
    std::string k = std::to_string(layer);
    k += '\0';
    k += path;
    return k;
}

std::string joinMerged(const std::string &dir, std::string_view name)
{
    std::string out = dir;
    if (!out.empty())
        out += '/';
    out += name;
    return out;
}

std::pair<std::string, std::string> splitLast(const std::string &path)
{
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos)
        return {std::string(), path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

bool sameStack(const DirStack &a, const DirStack &b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const DirLayer &x, const DirLayer &y) {
               return x.layer == y.layer && x.path == y.path;
           });
}

const ListOptions kListOpts {true, false}; // whiteouts included; origins not needed for facts

} // namespace

// Whether `layer` took part in the old stack, not in the new one, and its dir is
// still on disk (an opaque dir above it cut it off, rather than its removal).
bool ViewTracker::cutOff(const DirStack &oldStack, const DirStack &newStack, int layer) const
{
    const auto in = [&](const DirStack &s) -> const DirLayer * {
        for (const auto &d : s)
            if (d.layer == layer)
                return &d;
        return nullptr;
    };
    const DirLayer *was = in(oldStack);
    if (!was || in(newStack) || layer < 0 || static_cast<size_t>(layer) >= m_stack->layers().size())
        return false;
    return openLayerDir(m_stack->layers()[static_cast<size_t>(layer)].fd.get(), was->path, false).has_value();
}

namespace { } // namespace

ViewTracker::ViewTracker(std::shared_ptr<const LayerStack> stack, StackWatcher *watcher)
    : m_stack(std::move(stack))
    , m_tree(m_stack)
    , m_watcher(watcher)
{ }

ViewTracker::~ViewTracker() = default;

void ViewTracker::indexDir(const std::string &mergedPath, const DirStack &stack, bool add)
{
    for (const auto &d : stack) {
        auto &v = m_byLayerDir[layerKey(d.layer, d.path)];
        std::erase(v, mergedPath);
        if (add)
            v.push_back(mergedPath);
        else if (v.empty())
            m_byLayerDir.erase(layerKey(d.layer, d.path));
    }
}

void ViewTracker::release(const DirStack &stack)
{
    if (!m_watcher)
        return;
    std::vector<std::string> gone; // layer keys unwatched
    for (const auto &d : stack)
        if (!m_byLayerDir.contains(layerKey(d.layer, d.path))) {
            m_watcher->unwatchDir(d.layer, d.path);
            gone.push_back(layerKey(d.layer, d.path));
        }
    if (gone.empty())
        return;
    // unwatchDir drops the registrations below too: a dir still merged there (a
    // redirect can place one under another's layer dir) is registered again.
    for (const auto &[key, merged] : m_byLayerDir)
        for (const auto &g : gone)
            if (key.size() > g.size() + 1 && key.compare(0, g.size(), g) == 0
                && (key[g.size()] == '/' || g.back() == '\0')) {
                const auto nul = key.find('\0');
                (void)m_watcher->watchDir(std::stoi(key.substr(0, nul)), key.substr(nul + 1));
                break;
            }
}

void ViewTracker::remember(const std::string &mergedPath, const Listing &listing, EntryTable *entries)
{
    DirStack old;
    if (auto it = m_dirs.find(mergedPath); it != m_dirs.end()) {
        indexDir(mergedPath, it->second.stack, false);
        old = std::move(it->second.stack);
    }
    LoadedDir &dir = m_dirs[mergedPath];
    dir.stack = listing.stack;
    if (entries)
        dir.entries = std::move(*entries);
    else
        dir.entries.assign(listing.entries);
    for (const auto &e : listing.entries) {
        if (e.data && e.data->layer >= 0) {
            auto &v = m_byDataSource[layerKey(e.data->layer, e.data->path)];
            const std::string mp = joinMerged(mergedPath, e.name);
            if (std::find(v.begin(), v.end(), mp) == v.end())
                v.push_back(mp);
        }
    }
    indexDir(mergedPath, dir.stack, true);
    release(old); // layer dirs it no longer merges (a lower dir removed, an opaque cut)
}

Result<Listing> ViewTracker::load(const std::string &mergedPath)
{
    if (m_watcher) {
        auto dirs = m_tree.resolveDir(mergedPath);
        if (!dirs)
            return fail(dirs.error());
        // Registered before the listing: a change in between is then reported. A dir
        // that cannot be watched (the inotify limit) is still shown; the watcher has
        // queued a Problem saying so.
        (void)m_watcher->watchDirs(*dirs);
    }
    auto listing = m_tree.list(mergedPath, kListOpts);
    if (!listing)
        return listing;
    remember(listing->path, *listing);
    return listing;
}

Result<size_t> ViewTracker::loadAll(size_t maxDirs)
{
    m_followNew = true;
    std::deque<std::string> todo {""};
    size_t n = 0;
    while (!todo.empty() && n < maxDirs) {
        const std::string path = std::move(todo.front());
        todo.pop_front();
        auto listing = load(path);
        if (!listing) {
            if (path.empty())
                return fail(listing.error());
            continue; // went since its parent was listed: a change will say so
        }
        ++n;
        for (const auto &e : listing->entries)
            if (e.isDir() && !e.isWhiteout())
                todo.push_back(joinMerged(listing->path, e.name));
    }
    return n;
}

void ViewTracker::unload(const std::string &mergedPath)
{
    for (auto it = m_dirs.begin(); it != m_dirs.end();) {
        if (isWithin(it->first, mergedPath)) {
            indexDir(it->first, it->second.stack, false);
            release(it->second.stack);
            it = m_dirs.erase(it);
        } else {
            ++it;
        }
    }
}

bool ViewTracker::isLoaded(const std::string &mergedPath) const
{
    return m_dirs.contains(mergedPath);
}

size_t ViewTracker::loadedEntries() const
{
    size_t n = 0;
    for (const auto &[path, dir] : m_dirs)
        n += dir.entries.size();
    return n;
}

std::optional<EntryFacts> ViewTracker::factsOf(const std::string &mergedPath) const
{
    const auto [parent, name] = splitLast(mergedPath);
    const auto it = m_dirs.find(parent);
    if (it == m_dirs.end())
        return std::nullopt;
    return it->second.entries.find(name);
}

std::vector<std::string> ViewTracker::mergedPathsOf(int layer, const std::string &layerPath) const
{
    std::vector<std::string> out;
    if (layerPath.empty()) {
        if (const auto it = m_byLayerDir.find(layerKey(layer, "")); it != m_byLayerDir.end())
            out = it->second;
        return out;
    }
    const auto [dir, name] = splitLast(layerPath);
    if (const auto it = m_byLayerDir.find(layerKey(layer, dir)); it != m_byLayerDir.end())
        for (const auto &m : it->second)
            out.push_back(joinMerged(m, name));
    return out;
}

// The entry at `mergedPath` looked up again and compared with what was remembered;
// a loaded directory whose layers changed is listed again (diffDir).
void ViewTracker::effectOn(const std::string &mergedPath, bool contentWritten, int changedLayer,
                           std::vector<Effect> &out, int depth)
{
    const auto [parent, name] = splitLast(mergedPath);
    Effect e;
    e.mergedPath = mergedPath;
    LoadedDir *pdir = nullptr;
    if (auto it = m_dirs.find(parent); it != m_dirs.end()) {
        pdir = &it->second;
        e.before = pdir->entries.find(name);
    }
    // Only a directory's layers are remembered by the tree; a file's change never
    // makes them stale.
    const bool wasDir = e.before && e.before->type == FileType::Directory;
    m_tree.forget(mergedPath);
    auto found = m_tree.lookup(mergedPath, kListOpts);
    if (found) {
        e.after = EntryFacts::of(*found);
        if (found->data && found->data->layer >= 0) {
            auto &v = m_byDataSource[layerKey(found->data->layer, found->data->path)];
            if (std::find(v.begin(), v.end(), mergedPath) == v.end())
                v.push_back(mergedPath);
        }
    } else if (found.error().code != ENOENT) {
        e.note = found.error().message();
    }
    const bool written
        = contentWritten && e.after && (e.after->layer == changedLayer || e.after->dataLayer == changedLayer);
    e.kinds = classify(e.before, e.after, written);
    if (e.kinds == 0 && e.note.empty()) {
        if (e.after && e.after->layer != changedLayer && e.after->layer >= 0 && e.after->layer < changedLayer)
            e.note = (e.after->visible() ? "shadowed by layer " : "deleted by a whiteout in layer ")
                + std::to_string(e.after->layer);
        else if (!e.after && !e.before)
            e.note = "nothing shows under this name";
        else
            e.note = "the merged view did not change";
    }
    if (pdir) {
        if (e.after)
            pdir->entries.set(name, *e.after);
        else
            pdir->entries.erase(name);
    }
    out.push_back(std::move(e));
    const Effect &done = out.back();

    const bool isDir = done.after && done.after->visible() && done.after->type == FileType::Directory;
    if (m_dirs.contains(mergedPath)) {
        if (!isDir) {
            diffDir(mergedPath, out, depth + 1); // every entry below went with it
        } else {
            auto now = m_tree.resolveDir(mergedPath);
            if (!now || !sameStack(*now, m_dirs[mergedPath].stack) || (done.kinds & EffectStateChanged))
                diffDir(mergedPath, out, depth + 1);
        }
    } else if (isDir && !wasDir && m_followNew && pdir) {
        diffDir(mergedPath, out, depth + 1); // a new dir: what it shows appears too
    }
}

void ViewTracker::diffDir(const std::string &mergedPath, std::vector<Effect> &out, int depth)
{
    if (depth > kMaxDepth)
        return;
    // Its entries move out: they are replaced by the listing below (or dropped).
    LoadedDir old;
    if (auto it = m_dirs.find(mergedPath); it != m_dirs.end()) {
        old.stack = it->second.stack;
        old.entries = std::move(it->second.entries);
    }
    m_tree.forget(mergedPath);
    std::optional<Listing> now;
    if (m_watcher)
        if (auto dirs = m_tree.resolveDir(mergedPath))
            (void)m_watcher->watchDirs(*dirs); // new layer dirs (a lower mkdir) are watched from now on
    if (auto l = m_tree.list(mergedPath, kListOpts))
        now = std::move(*l);
    // Whether this dir hides what is below it now (opaque set) or stopped hiding it.
    std::optional<EntryFacts> self;
    {
        const auto [parent, name] = splitLast(mergedPath);
        if (auto it = m_dirs.find(parent); it != m_dirs.end() && !mergedPath.empty())
            self = it->second.entries.find(name);
    }
    const bool opaqueNow = self && (self->state & StateOpaque);

    EntryTable fresh;
    if (now)
        fresh.assign(now->entries);
    const bool stackChanged = !now || !sameStack(now->stack, old.stack);

    const EntryTable &was = old.entries;
    size_t a = 0;
    size_t b = 0;
    std::vector<std::string> childDirs;
    std::vector<std::string> newDirs;
    while (a < was.size() || b < fresh.size()) {
        std::optional<EntryFacts> before, after;
        std::string_view name;
        if (b == fresh.size() || (a < was.size() && was.nameAt(a) < fresh.nameAt(b))) {
            name = was.nameAt(a);
            before = was.factsAt(a++);
        } else if (a == was.size() || fresh.nameAt(b) < was.nameAt(a)) {
            name = fresh.nameAt(b);
            after = fresh.factsAt(b++);
        } else {
            name = was.nameAt(a);
            before = was.factsAt(a++);
            after = fresh.factsAt(b++);
        }
        if (before && after && *before == *after)
            continue;
        Effect e;
        std::string path = joinMerged(mergedPath, name);
        e.mergedPath = path;
        e.before = before;
        e.after = after;
        e.kinds = classify(before, after, false);
        // Gone because this dir (or one of its layer dirs) became opaque: its layer
        // dir is still there, only cut off from the merge: hidden, not removed.
        if ((e.kinds & EffectVanished) && now && (opaqueNow || cutOff(old.stack, now->stack, before->layer)))
            e.kinds = (e.kinds & ~EffectVanished) | EffectHidden;
        if ((e.kinds & EffectAppeared) && !opaqueNow && before)
            e.kinds = (e.kinds & ~EffectAppeared) | EffectRevealed;
        const bool newDir = m_followNew && after && after->visible() && after->type == FileType::Directory
            && !(before && before->visible() && before->type == FileType::Directory);
        if (e.kinds)
            out.push_back(std::move(e));
        if (newDir)
            newDirs.push_back(std::move(path)); // loadAll: what it shows appears too
        else if (m_dirs.contains(path))
            childDirs.push_back(std::move(path));
    }
    if (now) {
        remember(now->path, *now, &fresh);
    } else if (auto it = m_dirs.find(mergedPath); it != m_dirs.end()) {
        // Only this dir: the loaded ones below are diffed (and dropped) in turn.
        indexDir(mergedPath, it->second.stack, false);
        release(it->second.stack);
        m_dirs.erase(it);
    }
    // Loaded subdirectories take their layers from this one: re-examine them when
    // this one's changed (or went).
    if (stackChanged)
        for (size_t i = 0; i < was.size(); ++i)
            if (std::string child = joinMerged(mergedPath, was.nameAt(i)); m_dirs.contains(child))
                childDirs.push_back(std::move(child));
    std::sort(childDirs.begin(), childDirs.end());
    childDirs.erase(std::unique(childDirs.begin(), childDirs.end()), childDirs.end());
    for (const auto &c : childDirs)
        if (m_dirs.contains(c) || !now)
            diffDir(c, out, depth + 1);
    for (const auto &c : newDirs)
        diffDir(c, out, std::min(depth, kMaxDepth - 1) + 1); // even from rescan's depth
}

std::vector<std::string> ViewTracker::targetsOf(const LayerChange &change) const
{
    const Layer *layer = change.layer >= 0 && static_cast<size_t>(change.layer) < m_stack->layers().size()
        ? &m_stack->layers()[static_cast<size_t>(change.layer)]
        : nullptr;
    if (layer && layer->role == Role::DataOnly) {
        if (const auto it = m_byDataSource.find(layerKey(change.layer, change.path)); it != m_byDataSource.end())
            return it->second;
        return {};
    }
    return mergedPathsOf(change.layer, change.path);
}

// A name made or removed in `dir` changed it too (mtime, size, and for the top
// layer's dir what the merged dir shows as its own facts): remembered quietly,
// reported only if that alters the view (it can: a state such as merged).
void ViewTracker::refreshDir(const std::string &dir, std::vector<Effect> &out)
{
    if (dir.empty())
        return; // the root: no parent entry to remember
    std::vector<Effect> more;
    effectOn(dir, false, -1, more, 0);
    for (auto &e : more)
        if (e.kinds)
            out.push_back(std::move(e));
}

std::vector<std::vector<Effect>> ViewTracker::applyAll(const std::vector<LayerChange> &changes)
{
    constexpr size_t kListOnce = 32; // changes in one merged dir past which it is listed once
    std::vector<std::vector<Effect>> out(changes.size());
    std::vector<std::vector<std::string>> targets(changes.size());
    std::unordered_map<std::string, std::vector<size_t>> byDir; // loaded merged dir -> changes in it
    for (size_t i = 0; i < changes.size(); ++i) {
        if (changes[i].path.empty())
            continue;
        targets[i] = targetsOf(changes[i]);
        // Only names whose change cannot alter a directory's layers: those go one by one.
        if (targets[i].size() != 1 || changes[i].isDir)
            continue;
        const std::string parent = splitLast(targets[i].front()).first;
        if (m_dirs.contains(parent)) {
            const auto f = factsOf(targets[i].front());
            if (!(f && f->type == FileType::Directory))
                byDir[parent].push_back(i);
        }
    }
    std::vector<bool> done(changes.size(), false);
    for (auto &[dir, idx] : byDir) {
        if (idx.size() < kListOnce)
            continue;
        // Listing costs one entry per name the directory holds; a changed name looked
        // up costs a few lookups (the name, then its directory). A burst into a big
        // directory comes in many batches (maxDelay): listing it whole for each made
        // the work quadratic. Its names are looked up then, its own facts once.
        constexpr size_t kLookupCost = 4;
        if (const auto it = m_dirs.find(dir);
            it != m_dirs.end() && idx.size() * kLookupCost < it->second.entries.size()) {
            bool namesChanged = false;
            for (const size_t i : idx) {
                effectOn(targets[i].front(), changes[i].kinds & ChangeModified, changes[i].layer, out[i], 0);
                namesChanged
                    |= (changes[i].kinds & (ChangeCreated | ChangeDeleted | ChangeMovedFrom | ChangeMovedTo)) != 0;
                done[i] = true;
            }
            if (namesChanged)
                refreshDir(dir, out[idx.back()]);
            continue;
        }
        std::vector<Effect> effects;
        diffDir(dir, effects, 0);
        std::unordered_map<std::string, size_t> owner; // merged path -> change
        for (const size_t i : idx) {
            owner[targets[i].front()] = i;
            done[i] = true;
        }
        for (auto &e : effects) {
            const auto it = owner.find(e.mergedPath);
            // What the listing found beyond the named changes goes with the last one.
            out[it != owner.end() ? it->second : idx.back()].push_back(std::move(e));
        }
        refreshDir(dir, out[idx.back()]);
        for (const size_t i : idx)
            if (out[i].empty()) {
                Effect e;
                e.mergedPath = targets[i].front();
                e.after = factsOf(e.mergedPath);
                e.before = e.after;
                e.note = "the merged view did not change";
                out[i].push_back(std::move(e));
            }
    }
    for (size_t i = 0; i < changes.size(); ++i)
        if (!done[i])
            out[i] = apply(changes[i]);
    return out;
}

std::vector<Effect> ViewTracker::apply(const LayerChange &change)
{
    std::vector<Effect> out;
    const bool written = change.kinds & ChangeModified;
    const Layer *layer = change.layer >= 0 && static_cast<size_t>(change.layer) < m_stack->layers().size()
        ? &m_stack->layers()[static_cast<size_t>(change.layer)]
        : nullptr;
    std::vector<std::string> targets;
    if (layer && layer->role == Role::DataOnly) {
        targets = targetsOf(change);
    } else if (change.path.empty()) {
        // The layer root itself (its mode, its xattrs): the merged root's layers.
        if (m_dirs.contains(""))
            diffDir("", out, 0);
        if (out.empty()) {
            Effect e;
            e.note = "the layer root: the merged view did not change";
            out.push_back(std::move(e));
        }
        return out;
    } else {
        targets = targetsOf(change);
    }
    for (const auto &mp : targets)
        effectOn(mp, written, change.layer, out, 0);
    if (change.kinds & (ChangeCreated | ChangeDeleted | ChangeMovedFrom | ChangeMovedTo))
        for (const auto &mp : targets)
            refreshDir(splitLast(mp).first, out);
    if (targets.empty()) {
        Effect e;
        e.inView = false;
        e.note = layer && layer->role == Role::DataOnly
            ? "data-only layer: no loaded metacopy entry takes its data from here"
            : "not in a loaded merged directory (hidden by a whiteout, an opaque or a non-directory above it, or not "
              "loaded)";
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<Effect> ViewTracker::rescan()
{
    std::vector<Effect> out;
    std::vector<std::string> paths;
    for (const auto &[path, dir] : m_dirs)
        paths.push_back(path);
    std::sort(paths.begin(), paths.end()); // parents first
    m_tree.forget();
    for (const auto &p : paths) {
        if (!m_dirs.contains(p))
            continue; // went with its parent
        // Each dir's own entries (the dir itself was compared as its parent's
        // entry), without recursion: every loaded dir gets its turn.
        diffDir(p, out, kMaxDepth);
    }
    return out;
}

} // namespace strata::watch
