// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergedtree.h"

#include "dirreader.h"
#include "entrybuilder.h"
#include "lookup.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <iterator>
#include <map>
#include <mutex>
#include <unordered_map>

namespace strata::stack {

Result<std::vector<std::string>> splitMergedPath(const std::string &path)
{
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos)
            j = path.size();
        if (j > i) {
            std::string comp = path.substr(i, j - i);
            if (comp == "." || comp == "..")
                return fail(makeError(path, "merged paths may not contain '.' or '..'", EINVAL));
            out.push_back(std::move(comp));
        }
        i = j + 1;
    }
    return out;
}

struct MergedTree::DirCache {
    // Bounded: a walk of a huge tree must not keep every directory of it.
    static constexpr size_t kMaxEntries = 1 << 16;
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<OpenDir>> dirs;
    UpperAliases upperAliases; // index=on: upper names of index inodes, walked once
    // The lookup rules over this tree's layers: its constructor reads every lower
    // root's opaque xattr, once per tree rather than once per listing.
    std::shared_ptr<const Lookup> lookup;

    std::shared_ptr<const Lookup> lookupFor(const LayerStack &stack, int top)
    {
        std::lock_guard lock(mutex);
        if (!lookup)
            lookup = std::make_shared<const Lookup>(stack, top);
        return lookup;
    }
    bool orphans = false; // the bound cleared the cache: entries may lack their parents

    std::optional<std::vector<OpenDir>> find(const std::string &path)
    {
        std::lock_guard lock(mutex);
        const auto it = dirs.find(path);
        if (it == dirs.end())
            return std::nullopt;
        return it->second;
    }
    void insert(std::string path, std::vector<OpenDir> stack)
    {
        std::lock_guard lock(mutex);
        if (dirs.size() >= kMaxEntries) {
            dirs.clear();
            orphans = true; // what is inserted next may lack its parents
        }
        dirs.insert_or_assign(std::move(path), std::move(stack));
    }
    void clearBelow(const std::string &path)
    {
        std::lock_guard lock(mutex);
        // A directory is remembered only after its parent was (resolveDirs and list
        // insert parents first): when `path` is not here, nothing below it is,
        // unless the bound cleared the parents of what came after.
        if (!orphans && !dirs.contains(path))
            return;
        std::erase_if(dirs, [&](const auto &kv) {
            const std::string &p = kv.first;
            return path.empty()
                || (p.size() >= path.size() && p.compare(0, path.size(), path) == 0
                    && (p.size() == path.size() || p[path.size()] == '/'));
        });
    }
    void clear()
    {
        {
            std::lock_guard lock(mutex);
            dirs.clear();
            orphans = false;
            lookup.reset(); // a lower root's opaque=x may have changed too
        }
        upperAliases.clear();
    }
};

void MergedTree::forget() const
{
    m_cache->clear();
}

void MergedTree::forget(const std::string &path) const
{
    if (path.empty())
        forget();
    else
        m_cache->clearBelow(path);
}

MergedTree::MergedTree(std::shared_ptr<const LayerStack> stack, int topLayer)
    : m_stack(std::move(stack))
    , m_top(std::clamp(topLayer, 0, std::max(0, static_cast<int>(m_stack->mergedLayerCount()) - 1)))
    , m_cache(std::make_shared<DirCache>())
{ }

namespace {

std::string joinMerged(const std::vector<std::string> &comps, size_t n)
{
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        if (i)
            out += '/';
        out += comps[i];
    }
    return out;
}

// Resolves a merged directory path to the per-layer dirs that make it up, starting
// from the deepest ancestor the cache knows.
Result<std::vector<OpenDir>> resolveDirs(const Lookup &lookup, const std::vector<std::string> &comps,
                                         MergedTree::DirCache &cache)
{
    size_t start = comps.size();
    std::optional<std::vector<OpenDir>> known;
    for (; start > 0; --start)
        if ((known = cache.find(joinMerged(comps, start))))
            break;
    std::vector<OpenDir> dirs = known ? std::move(*known) : lookup.rootDir();
    for (size_t i = start; i < comps.size(); ++i) {
        const std::string sub = joinMerged(comps, i + 1);
        auto child = lookup.descend(lookup.resolve(dirs, comps[i]), sub);
        if (!child)
            return fail(child.error());
        dirs = std::move(*child);
        cache.insert(sub, dirs);
    }
    return dirs;
}

DirStack toDirStack(const std::vector<OpenDir> &dirs)
{
    DirStack out;
    for (const auto &d : dirs)
        out.push_back(DirLayer {d.layer, d.path});
    return out;
}

// A merged path split and resolved to its per-layer dirs.
struct ResolvedPath {
    std::vector<std::string> comps;
    std::vector<OpenDir> dirs;
};

Result<ResolvedPath> resolvePath(const Lookup &lookup, const std::string &path, MergedTree::DirCache &cache)
{
    auto comps = splitMergedPath(path);
    if (!comps)
        return fail(comps.error());
    auto dirs = resolveDirs(lookup, *comps, cache);
    if (!dirs)
        return fail(dirs.error());
    return ResolvedPath {std::move(*comps), std::move(*dirs)};
}

} // namespace

Result<DirStack> MergedTree::resolveDir(const std::string &path) const
{
    const auto lookupRef = m_cache->lookupFor(*m_stack, m_top);
    const Lookup &lookup = *lookupRef;
    auto resolved = resolvePath(lookup, path, *m_cache);
    if (!resolved)
        return fail(resolved.error());
    return toDirStack(resolved->dirs);
}

Result<Listing> MergedTree::list(const std::string &path, const ListOptions &opts) const
{
    std::vector<MergedEntry> entries;
    auto listing = list(path, opts, [&entries](std::vector<MergedEntry> &&batch) {
        if (entries.empty())
            entries = std::move(batch);
        else
            std::move(batch.begin(), batch.end(), std::back_inserter(entries));
        return true;
    });
    // Batches grow the vector by doubling: a caller that keeps every listing of a
    // big tree should not also keep up to half a listing of unused MergedEntry slots.
    if (entries.capacity() - entries.size() > entries.size() / 8)
        entries.shrink_to_fit();
    if (listing)
        listing->entries = std::move(entries);
    return listing;
}

LayerDirTable readLayerDirs(const LayerStack &stack, const std::vector<OpenDir> &dirs, const std::string &only,
                            std::vector<Error> &problems)
{
    LayerDirTable table;
    table.dirs = dirs;
    table.names.resize(dirs.size());
    table.readOk.assign(dirs.size(), false);
    table.fds.resize(dirs.size());
    table.paths.resize(dirs.size());
    for (size_t pos = 0; pos < dirs.size(); ++pos) {
        const OpenDir &d = dirs[pos];
        const Layer &layer = stack.layers()[static_cast<size_t>(d.layer)];
        table.paths[pos] = layer.path + (d.path.empty() ? "" : "/" + d.path);
        auto fd = openLayerDir(layer.fd.get(), d.path, true);
        if (!fd) {
            Error e = fd.error();
            e.subject = table.paths[pos];
            problems.push_back(e);
            continue;
        }
        if (only.empty()) {
            auto entries = readLayerDirNames(fd->get(), table.paths[pos]);
            if (!entries) {
                problems.push_back(entries.error());
                continue;
            }
            table.names[pos] = std::move(*entries);
        } else {
            // Absent here: no name. Any other failure keeps the name, so the
            // builder's own stat reports it as a listing would.
            struct stat st {};
            if (::fstatat(fd->get(), only.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
                table.names[pos].pool.assign(1, static_cast<char>(DT_UNKNOWN));
                table.names[pos].pool.append(only.c_str(), only.size() + 1);
                table.names[pos].offsets.push_back(1);
            }
        }
        table.readOk[pos] = true;
        table.fds[pos] = std::move(*fd);
    }
    return table;
}

Result<Listing> MergedTree::list(const std::string &path, const ListOptions &opts, const EntrySink &sink) const
{
    const auto lookupRef = m_cache->lookupFor(*m_stack, m_top);
    const Lookup &lookup = *lookupRef;
    auto resolved = resolvePath(lookup, path, *m_cache);
    if (!resolved)
        return fail(resolved.error());
    const std::vector<std::string> &comps = resolved->comps;

    Listing listing;
    listing.path = joinMerged(comps, comps.size());
    listing.stack = toDirStack(resolved->dirs);

    // Read every layer's directory once (names only); the builder stats each entry
    // when it reaches it, and lookups use what was read.
    LayerDirTable table = readLayerDirs(*m_stack, resolved->dirs, {}, listing.problems);

    EntryBuilder builder(*m_stack, lookup, table, opts);
    std::vector<std::pair<std::string, std::vector<OpenDir>>> childDirs;
    builder.collectChildDirs(&childDirs);
    builder.useUpperAliases(&m_cache->upperAliases);
    size_t batchSize = kFirstListBatch;
    for (bool more = true; more;) {
        std::vector<MergedEntry> batch;
        more = builder.buildSome(batch, batchSize);
        // Subdirectories are known before the caller sees them, so listing one of
        // them right away resolves nothing.
        for (auto &[name, stack] : childDirs)
            m_cache->insert(listing.path.empty() ? name : listing.path + "/" + name, std::move(stack));
        childDirs.clear();
        if (!batch.empty() && !sink(std::move(batch)))
            break;
        batchSize = std::min(batchSize * 2, kMaxListBatch);
    }
    auto statProblems = builder.takeProblems();
    listing.problems.insert(listing.problems.end(), std::make_move_iterator(statProblems.begin()),
                            std::make_move_iterator(statProblems.end()));
    return listing;
}

Result<MergedEntry> MergedTree::lookup(const std::string &path, const ListOptions &opts) const
{
    auto comps = splitMergedPath(path);
    if (!comps)
        return fail(comps.error());
    if (comps->empty()) {
        // The root: a merged directory of every layer root.
        MergedEntry root;
        const auto lookupRef = m_cache->lookupFor(*m_stack, m_top);
        const Lookup &lookup = *lookupRef;
        const auto dirs = lookup.rootDir();
        if (dirs.empty())
            return fail(makeError("/", "no layers in view", ENOENT));
        const Layer &top = m_stack->layers()[static_cast<size_t>(dirs.front().layer)];
        struct stat st {};
        ::fstat(top.fd.get(), &st);
        root.layer = top.index;
        root.attrs = Attrs::fromStat(st);
        for (const auto &d : dirs)
            root.dirLayers.push_back(d.layer);
        if (dirs.size() > 1)
            root.state |= StateMerged;
        return root;
    }
    // One name: its parent resolved, the name statted in each of the parent's
    // layers, and built as a listing would build it (the same rules, the same facts).
    const std::string parent = joinMerged(*comps, comps->size() - 1);
    const auto lookupRef = m_cache->lookupFor(*m_stack, m_top);
    const Lookup &lookup = *lookupRef;
    auto resolved = resolvePath(lookup, parent, *m_cache);
    if (!resolved)
        return fail(resolved.error());
    std::vector<Error> problems;
    LayerDirTable table = readLayerDirs(*m_stack, resolved->dirs, comps->back(), problems);
    EntryBuilder builder(*m_stack, lookup, table, ListOptions {true, opts.readOrigins});
    builder.useUpperAliases(&m_cache->upperAliases);
    std::vector<MergedEntry> built;
    builder.buildSome(built, 1);
    std::optional<MergedEntry> hit;
    if (!built.empty())
        hit = std::move(built.front());
    if (hit && (!hit->isWhiteout() || opts.includeWhiteouts))
        return std::move(*hit);
    return fail(makeError(path, "not in the merged view", ENOENT));
}

} // namespace strata::stack
