// SPDX-License-Identifier: GPL-2.0-or-later
#include "whiteoutreport.h"

#include "mergedwalk.h"

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

void collect(WhiteoutReport &report, const std::string &path, const MergedEntry &e)
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

} // namespace

Result<WhiteoutReport> collectWhiteouts(const MergedTree &tree, const WhiteoutScan &scan)
{
    WhiteoutReport report;
    WalkOptions opts;
    opts.list.includeWhiteouts = true;
    opts.list.readOrigins = false;
    opts.cancel = scan.cancel;
    uint64_t seen = 0;
    auto walked = walkMerged(tree, "", opts, [&](const std::string &path, const MergedEntry &e, int) {
        if (scan.progress && (++seen & 255) == 0)
            scan.progress(seen);
        report.entryProblems.insert(report.entryProblems.end(), e.problems.begin(), e.problems.end());
        collect(report, path, e);
        return true;
    });
    if (!walked)
        return fail(walked.error());
    report.problems = std::move(walked->problems);
    report.cancelled = walked->cancelled;
    if (scan.progress)
        scan.progress(seen);
    return report;
}

} // namespace strata::stack
