// SPDX-License-Identifier: GPL-2.0-or-later
#include "summary.h"

#include "layerwalk.h"
#include "ovl/whiteout.h"
#include "ovl/xattrnames.h"
#include "util/xattrio.h"

#include <algorithm>
#include <map>
#include <set>

namespace strata::stack {

Result<LayerSummary> summarizeLayer(const LayerStack &stack, int layerIndex, const ScanControl &ctl)
{
    if (layerIndex < 0 || static_cast<size_t>(layerIndex) >= stack.layers().size())
        return fail(makeError("layer " + std::to_string(layerIndex), "no such layer in this stack"));
    const Layer &layer = stack.layers()[static_cast<size_t>(layerIndex)];
    LayerSummary s;
    s.layer = layer.index;
    s.role = layer.role;
    s.path = layer.path;
    s.fs = layer.fs;
    s.xattrsRead = stack.canReadOverlayXattrs();
    const ovl::Namespace ns = stack.xattrNamespace();
    const std::string prefix(ovl::prefix(ns));
    const auto has = [&](const std::vector<std::string> &names, ovl::Attr a) {
        return std::find(names.begin(), names.end(), ovl::name(ns, a)) != names.end();
    };

    uint64_t seen = 0;
    auto res = walkLayer(
        layer, "",
        [&](int parentFd, const std::string &name, const std::string &, const struct stat &st) {
            if (ctl.progress && (++seen & 0xFFF) == 0)
                ctl.progress(seen);
            if (S_ISDIR(st.st_mode))
                ++s.dirs;
            else if (S_ISREG(st.st_mode)) {
                ++s.files;
                s.bytes += static_cast<uint64_t>(st.st_size);
            }
            if (ovl::isWhiteoutStat(st)) {
                ++s.whiteouts;
                return false;
            }
            if (!s.xattrsRead)
                return true;
            // One listxattr per entry answers every overlay question about it.
            auto names = listXattrsAt(parentFd, name);
            if (!names) {
                s.problems.push_back(names.error());
                return true;
            }
            if (std::none_of(names->begin(), names->end(), [&](const std::string &n) { return n.starts_with(prefix); }))
                return true;
            if (has(*names, ovl::Attr::Origin))
                ++s.copiedUp;
            if (has(*names, ovl::Attr::Redirect))
                ++s.redirects;
            if (S_ISREG(st.st_mode)) {
                if (has(*names, ovl::Attr::Metacopy))
                    ++s.metacopy;
                if (st.st_size == 0 && has(*names, ovl::Attr::Whiteout))
                    ++s.whiteouts;
            }
            if (S_ISDIR(st.st_mode) && has(*names, ovl::Attr::Opaque)) {
                auto v = getXattrAt(parentFd, name, ovl::name(ns, ovl::Attr::Opaque));
                if (v && *v && **v == "y")
                    ++s.opaqueDirs;
            }
            return true;
        },
        {}, ctl.cancel);
    s.entries = res.entries;
    s.problems.insert(s.problems.end(), res.problems.begin(), res.problems.end());
    if (!s.xattrsRead)
        s.problems.push_back(makeError(layer.path,
                                       "overlay xattrs (trusted.overlay.*) need CAP_SYS_ADMIN: opaque, "
                                       "redirect, metacopy and copy-up counts are unknown",
                                       EPERM));
    return s;
}

namespace {

struct HiddenItem {
    std::string mergedPath;
    int layer;
    std::string layerPath;
    bool dir;
    uint64_t bytes; // files: their size; dirs: filled in after the walk
    std::string why;
};

std::string replacedWhy(const MergedEntry &e)
{
    if (e.isWhiteout())
        return "deleted by a whiteout in layer " + std::to_string(e.layer);
    if (e.state & StateOpaque)
        return "hidden by the opaque dir in layer " + std::to_string(e.layer);
    return "replaced by layer " + std::to_string(e.layer);
}

} // namespace

Result<StackSummary> summarizeStack(const LayerStack &stack, const ScanControl &ctl)
{
    StackSummary sum;
    for (const Layer &l : stack.layers()) {
        auto ls = summarizeLayer(stack, l.index, ctl);
        if (!ls)
            return fail(ls.error());
        if (ctl.cancel && ctl.cancel->load()) {
            sum.cancelled = true;
            return sum;
        }
        sum.layers.push_back(std::move(*ls));
    }

    // The merged walk: visible figures, and every stored version that is not
    // visible. Lower dirs still reached through a redirect (a renamed dir) or
    // holding a metacopy file's data are in use, whatever hides their old name.
    const auto shared = std::shared_ptr<const LayerStack>(&stack, [](const LayerStack *) { });
    const MergedTree tree(shared);
    std::vector<HiddenItem> hidden;
    std::set<std::pair<int, std::string>> inUse;
    WalkOptions wo;
    wo.list.includeWhiteouts = true;
    wo.list.readOrigins = false;
    wo.cancel = ctl.cancel;
    uint64_t seen = 0;
    auto walked = walkMerged(tree, "", wo, [&](const std::string &path, const MergedEntry &e, int) {
        if (ctl.progress && (++seen & 0xFFF) == 0)
            ctl.progress(seen);
        if (!e.isWhiteout()) {
            ++sum.mergedEntries;
            if (e.attrs.type == FileType::Regular)
                sum.mergedBytes += static_cast<uint64_t>(e.attrs.size);
        }
        for (const ShadowedVersion &v : e.shadowed) {
            if (v.kind == ShadowKind::Merged || v.kind == ShadowKind::DataSource) {
                inUse.insert({v.layer, v.path});
                continue;
            }
            if (v.kind == ShadowKind::Whiteout)
                continue;
            const bool dir = v.attrs.type == FileType::Directory;
            hidden.push_back({path, v.layer, v.path, dir,
                              v.attrs.type == FileType::Regular ? static_cast<uint64_t>(v.attrs.size) : 0,
                              replacedWhy(e)});
        }
        return true;
    });
    if (!walked)
        return fail(walked.error());
    if (walked->cancelled) {
        sum.cancelled = true;
        return sum;
    }
    // A subdirectory that could not be listed leaves the figures partial, and says so.
    sum.problems.insert(sum.problems.end(), walked->problems.begin(), walked->problems.end());

    // Hidden directories: everything stored below them, minus what is in use.
    std::map<int, std::set<std::string>> inUseByLayer;
    for (const auto &[layer, p] : inUse)
        inUseByLayer[layer].insert(p);
    for (HiddenItem &h : hidden) {
        if (inUse.contains({h.layer, h.layerPath})) {
            h.bytes = 0;
            continue;
        }
        if (!h.dir)
            continue;
        const auto &skip = inUseByLayer[h.layer];
        auto res = walkLayer(
            stack.layers()[static_cast<size_t>(h.layer)], h.layerPath,
            [&](int, const std::string &, const std::string &, const struct stat &st) {
                if (S_ISREG(st.st_mode))
                    h.bytes += static_cast<uint64_t>(st.st_size);
                ++sum.wastedEntries;
                return true;
            },
            skip, ctl.cancel);
        sum.problems.insert(sum.problems.end(), res.problems.begin(), res.problems.end());
    }
    for (const HiddenItem &h : hidden) {
        if (h.bytes == 0 && inUse.contains({h.layer, h.layerPath}))
            continue;
        ++sum.wastedEntries;
        sum.wastedBytes += h.bytes;
    }
    std::sort(hidden.begin(), hidden.end(), [](const HiddenItem &a, const HiddenItem &b) {
        return a.bytes != b.bytes ? a.bytes > b.bytes : a.mergedPath < b.mergedPath;
    });
    for (const HiddenItem &h : hidden) {
        if (sum.topWasted.size() >= ctl.topWasted || h.bytes == 0)
            break;
        sum.topWasted.push_back({h.mergedPath, h.layer, h.bytes, h.why});
    }
    return sum;
}

} // namespace strata::stack
