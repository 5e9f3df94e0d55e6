// SPDX-License-Identifier: GPL-2.0-or-later
// What one layer changes relative to the layers below it: dive's per-layer view,
// computed on the cumulative merged view up to that layer.
#include "summary.h"

#include <algorithm>
#include <set>

namespace strata::stack {

std::string_view changeName(Change c)
{
    switch (c) {
    case Change::Added:
        return "added";
    case Change::Modified:
        return "modified";
    case Change::Deleted:
        return "deleted";
    }
    return "modified";
}

namespace {

bool hasLowerVersion(const MergedEntry &e, int layer)
{
    return std::any_of(e.shadowed.begin(), e.shadowed.end(), [&](const ShadowedVersion &v) {
        return v.layer > layer && v.kind != ShadowKind::Whiteout && v.kind != ShadowKind::Unrelated;
    });
}

const ShadowedVersion *firstHidden(const MergedEntry &e, int layer)
{
    for (const auto &v : e.shadowed)
        if (v.layer > layer && v.kind != ShadowKind::Whiteout)
            return &v;
    return nullptr;
}

} // namespace

Result<std::vector<LayerChange>> layerChanges(const LayerStack &stack, int layer, const ScanControl &ctl)
{
    if (layer < 0 || static_cast<size_t>(layer) >= stack.mergedLayerCount())
        return fail(makeError("layer " + std::to_string(layer), "no such (non data-only) layer in this stack"));
    const auto shared = std::shared_ptr<const LayerStack>(&stack, [](const LayerStack *) { });
    const MergedTree here(shared, layer);
    const bool hasBelow = static_cast<size_t>(layer) + 1 < stack.mergedLayerCount();
    const MergedTree below(shared, hasBelow ? layer + 1 : layer);

    std::vector<LayerChange> out;
    ListOptions lo;
    lo.includeWhiteouts = true;
    lo.readOrigins = false;
    // Only directories this layer has can hold its changes: prune everything else.
    std::vector<std::string> todo {""};
    while (!todo.empty()) {
        if (ctl.cancel && ctl.cancel->load())
            return fail(makeError("layer " + std::to_string(layer), "cancelled", ECANCELED));
        const std::string dir = std::move(todo.back());
        todo.pop_back();
        auto listing = here.list(dir, lo);
        if (!listing)
            return fail(listing.error());
        for (const MergedEntry &e : listing->entries) {
            const std::string path = dir.empty() ? e.name : dir + "/" + e.name;
            const bool mine = e.layer == layer;
            if (e.isWhiteout()) {
                if (mine && hasBelow) {
                    if (const ShadowedVersion *v = firstHidden(e, layer))
                        out.push_back({path, Change::Deleted, v->attrs.type, static_cast<uint64_t>(v->attrs.size)});
                }
                continue;
            }
            const bool lower = hasBelow && hasLowerVersion(e, layer);
            if (mine && !e.isDir()) {
                out.push_back({path, lower ? Change::Modified : Change::Added, e.attrs.type,
                               static_cast<uint64_t>(e.attrs.size)});
            } else if (mine && e.isDir() && !lower) {
                out.push_back({path, Change::Added, e.attrs.type, 0});
            } else if (mine && e.isDir() && (e.state & StateOpaque)) {
                // An opaque dir replaces the lower one: what only the lower held is gone.
                out.push_back({path, Change::Modified, e.attrs.type, 0});
                auto lowerListing = below.list(path, lo);
                if (lowerListing) {
                    std::set<std::string> kept;
                    auto mineListing = here.list(path, lo);
                    if (mineListing)
                        for (const auto &c : mineListing->entries)
                            kept.insert(c.name);
                    for (const auto &c : lowerListing->entries)
                        if (!c.isWhiteout() && !kept.contains(c.name))
                            out.push_back({path + "/" + c.name, Change::Deleted, c.attrs.type,
                                           static_cast<uint64_t>(c.attrs.size)});
                }
            }
            const bool layerHasDir = std::find(e.dirLayers.begin(), e.dirLayers.end(), layer) != e.dirLayers.end();
            if (e.isDir() && layerHasDir)
                todo.push_back(path);
        }
    }
    std::sort(out.begin(), out.end(), [](const LayerChange &a, const LayerChange &b) { return a.path < b.path; });
    return out;
}

} // namespace strata::stack
