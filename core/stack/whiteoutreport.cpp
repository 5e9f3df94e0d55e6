// SPDX-License-Identifier: GPL-2.0-or-later
#include "whiteoutreport.h"

namespace strata::stack {

namespace {

// The versions below `layer` a whiteout there hides (whiteouts further down hide
// nothing of their own: the one above already deleted the name).
std::vector<WhiteoutHides> hiddenBelow(const MergedEntry &e, int layer)
{
    std::vector<WhiteoutHides> out;
    for (const auto &s : e.shadowed)
        if (s.layer > layer && s.kind != ShadowKind::Whiteout)
            out.push_back(WhiteoutHides {s.layer, s.path, s.attrs.type});
    return out;
}

struct Walker {
    const MergedTree &tree;
    const WhiteoutScan &scan;
    ListOptions list;
    WhiteoutReport report;
    uint64_t seen = 0;

    bool cancelled() const { return scan.cancel && scan.cancel->load(std::memory_order_relaxed); }

    void collect(const std::string &path, const MergedEntry &e)
    {
        if (e.isWhiteout())
            report.whiteouts.push_back(WhiteoutInfo {path, e.layer, e.layerPath, (e.state & StateXattrWhiteout) != 0,
                                                     e.attrs.nlink, -1, hiddenBelow(e, e.layer)});
        // Whiteouts under a name a higher layer made again. The entry builder keeps
        // them as shadowed versions; a 0/0 whiteout is a character device, an xattr
        // whiteout an (empty) regular file.
        for (const auto &s : e.shadowed)
            if (s.kind == ShadowKind::Whiteout)
                report.whiteouts.push_back(WhiteoutInfo {path, s.layer, s.path, s.attrs.type != FileType::CharDevice,
                                                         s.attrs.nlink, e.layer, hiddenBelow(e, s.layer)});
    }

    void walk(const Listing &listing)
    {
        report.problems.insert(report.problems.end(), listing.problems.begin(), listing.problems.end());
        for (const MergedEntry &e : listing.entries) {
            if (cancelled()) {
                report.cancelled = true;
                return;
            }
            if (scan.progress && (++seen & 255) == 0)
                scan.progress(seen);
            const std::string path = listing.path.empty() ? e.name : listing.path + "/" + e.name;
            report.entryProblems.insert(report.entryProblems.end(), e.problems.begin(), e.problems.end());
            collect(path, e);
            if (!e.isDir() || e.isWhiteout())
                continue;
            auto sub = tree.list(path, list);
            if (!sub) {
                report.problems.push_back(sub.error()); // partial, not the end of the walk
                continue;
            }
            walk(*sub);
        }
    }
};

} // namespace

Result<WhiteoutReport> collectWhiteouts(const MergedTree &tree, const WhiteoutScan &scan)
{
    Walker w {tree, scan, {}, {}};
    w.list.includeWhiteouts = true;
    w.list.readOrigins = false;
    auto root = tree.list("", w.list);
    if (!root)
        return fail(root.error());
    w.walk(*root);
    if (scan.progress)
        scan.progress(w.seen);
    return std::move(w.report);
}

} // namespace strata::stack
