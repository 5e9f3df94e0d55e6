// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathwalk.h"

#include "entrybuilder.h"
#include "lookup.h"
#include "ovl/mergerules.h"
#include "ovl/whiteout.h"
#include "readdirrules.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>

namespace strata::stack {

namespace {

// One layer's version of a name in the directory being walked.
struct Version {
    const char *name;
    uint32_t pos; // layer position in the merged dir, top first
    unsigned char type; // d_type
};

struct PendingDir {
    std::string path;
    std::vector<OpenDir> dirs;
};

class PathWalker {
public:
    PathWalker(const MergedTree &tree, const PathWalkOptions &opts, const PathVisitor &visit)
        : m_stack(tree.stack())
        , m_lookup(tree.stack(), tree.topLayer())
        , m_opts(opts)
        , m_visit(visit)
    { }

    const Lookup &lookup() const { return m_lookup; }

    // Visits the names of one merged dir, appends its subdirectories to `subdirs`
    // (in name order). false: the visitor stopped the walk.
    bool walkDir(const PendingDir &dir, std::vector<PendingDir> &subdirs, PathWalkResult &result);

private:
    bool hiddenByReaddir(const LayerDirTable &table, const ReaddirRules &rules, const Version &top) const;
    std::optional<std::vector<OpenDir>> enter(const LayerDirTable &table, const Version *first, const Version *end,
                                              const std::string &path, PathWalkResult &result) const;

    const LayerStack &m_stack;
    const Lookup m_lookup;
    const PathWalkOptions &m_opts;
    const PathVisitor &m_visit;
    std::vector<Version> m_versions; // reused per dir
    std::string m_path; // reused per entry
};

// readdir's rule for the top-most version of a name (ovl::readdirHides), its facts
// read only where the rule can use them: the rdev of a character device (0/0: a
// whiteout), the size and overlay.whiteout of a regular file where xattr whiteouts
// count. d_type DT_UNKNOWN (filesystems that do not fill it) costs a stat.
bool PathWalker::hiddenByReaddir(const LayerDirTable &table, const ReaddirRules &rules, const Version &top) const
{
    const int fd = table.fds[top.pos].get();
    const bool xwhiteouts = table.dirs[top.pos].xwhiteouts;
    ovl::LayerObject o;
    o.mode = DTTOIF(top.type);
    const bool candidate = top.type == DT_UNKNOWN || S_ISCHR(o.mode)
        || (S_ISREG(o.mode) && ovl::readdirNeedsWhiteoutXattr(true, xwhiteouts, rules.looksUp(top.pos), o.mode, 0));
    // Whether this dir filters at all may cost its origin's read: asked only for a
    // name that could be a whiteout.
    if (!candidate || !rules.filtersWhiteouts())
        return false;
    struct stat st {};
    if (::fstatat(fd, top.name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return false; // gone, or unreadable: the listing shows what it can (its lookup reports it)
    o = ovl::LayerObject::fromStat(st);
    const bool looksUp = rules.looksUp(top.pos);
    if (ovl::readdirNeedsWhiteoutXattr(true, xwhiteouts, looksUp, o.mode, o.size)) {
        auto marker = ovl::hasXattrWhiteoutMarker(fd, top.name, m_stack.xattrNamespace());
        o.whiteoutXattr = marker && *marker;
    }
    return ovl::readdirHides(true, xwhiteouts, looksUp, o);
}

// The lookup of a directory's name, as the listing does it (Lookup::resolve with the
// versions just read as its prefetch), and the layer dirs to walk into.
std::optional<std::vector<OpenDir>> PathWalker::enter(const LayerDirTable &table, const Version *first,
                                                      const Version *end, const std::string &path,
                                                      PathWalkResult &result) const
{
    const std::string name = first->name;
    std::vector<std::optional<struct stat>> known(table.dirs.size());
    for (size_t pos = 0; pos < table.dirs.size(); ++pos)
        if (table.readOk[pos])
            known[pos].emplace(); // read, and the name is not there (st_mode 0)
    for (const Version *v = first; v != end; ++v) {
        struct stat st {};
        if (::fstatat(table.fds[v->pos].get(), v->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            known[v->pos] = st;
        else if (errno != ENOENT)
            known[v->pos].reset(); // the lookup stats it again and reports why it cannot
    }
    const Prefetch prefetch = [&](size_t pos, const std::string &n) -> std::optional<PrefetchHit> {
        if (pos >= known.size() || !known[pos] || n != name)
            return std::nullopt;
        return PrefetchHit {*known[pos], table.fds[pos] ? table.fds[pos].get() : -1};
    };
    auto dirs = m_lookup.descend(m_lookup.resolve(table.dirs, name, prefetch), path);
    if (!dirs) {
        result.problems.push_back(dirs.error());
        return std::nullopt;
    }
    return std::move(*dirs);
}

bool PathWalker::walkDir(const PendingDir &dir, std::vector<PendingDir> &subdirs, PathWalkResult &result)
{
    LayerDirTable table = readLayerDirs(m_stack, dir.dirs, {}, result.problems);
    const ReaddirRules rules(m_stack, table.dirs, !table.fds.empty() && table.fds[0] ? table.fds[0].get() : -1);

    m_versions.clear();
    for (size_t pos = 0; pos < table.names.size(); ++pos) {
        const DirNames &names = table.names[pos];
        for (size_t i = 0; i < names.size(); ++i)
            m_versions.push_back({names.name(i), static_cast<uint32_t>(pos), names.type(i)});
    }
    // Bytewise name order, and each name's versions top first.
    std::sort(m_versions.begin(), m_versions.end(), [](const Version &a, const Version &b) {
        const int c = std::strcmp(a.name, b.name);
        return c != 0 ? c < 0 : a.pos < b.pos;
    });

    const size_t prefix = dir.path.empty() ? 0 : dir.path.size() + 1;
    m_path = dir.path;
    if (prefix)
        m_path += '/';
    for (auto it = m_versions.begin(); it != m_versions.end();) {
        auto next = it + 1;
        while (next != m_versions.end() && std::strcmp(next->name, it->name) == 0)
            ++next;
        const Version &top = *it;
        m_path.resize(prefix);
        m_path += top.name;
        PathKind kind = PathKind::File;
        bool listed = true;
        if (hiddenByReaddir(table, rules, top)) {
            kind = PathKind::Whiteout;
            listed = m_opts.includeWhiteouts;
        } else if (top.type == DT_DIR) {
            kind = PathKind::Dir;
        } else if (top.type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(table.fds[top.pos].get(), top.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
                kind = PathKind::Dir;
        }
        if (listed) {
            ++result.entries;
            if (!m_visit(m_path, kind)) {
                result.stopped = true;
                return false;
            }
            if (kind == PathKind::Dir)
                if (auto dirs = enter(table, &*it, &*it + (next - it), m_path, result))
                    subdirs.push_back({m_path, std::move(*dirs)});
        }
        it = next;
    }
    return true;
}

} // namespace

Result<PathWalkResult> walkMergedPaths(const MergedTree &tree, const std::string &root, const PathWalkOptions &opts,
                                       const PathVisitor &visit)
{
    PathWalker walker(tree, opts, visit);
    // The root's layer dirs: resolved from the merged root, one component at a time.
    auto comps = splitMergedPath(root);
    if (!comps)
        return fail(comps.error());
    std::vector<PendingDir> todo(1);
    todo.back().dirs = walker.lookup().rootDir();
    for (const std::string &comp : *comps) {
        todo.back().path += (todo.back().path.empty() ? "" : "/") + comp;
        auto dirs = walker.lookup().descend(walker.lookup().resolve(todo.back().dirs, comp), todo.back().path);
        if (!dirs)
            return fail(dirs.error());
        todo.back().dirs = std::move(*dirs);
    }

    PathWalkResult result;
    std::vector<PendingDir> subdirs;
    while (!todo.empty()) {
        if (opts.cancel && opts.cancel->load(std::memory_order_relaxed)) {
            result.cancelled = true;
            break;
        }
        const PendingDir dir = std::move(todo.back());
        todo.pop_back();
        subdirs.clear();
        if (!walker.walkDir(dir, subdirs, result))
            break;
        // Depth first, the first subdirectory next.
        std::move(subdirs.rbegin(), subdirs.rend(), std::back_inserter(todo));
    }
    return result;
}

} // namespace strata::stack
