// SPDX-License-Identifier: GPL-2.0-or-later
#include "inspect.h"

#include "helperprotocol.h"

#include "stack/indexdir.h"
#include "stack/summary.h"

#include <nlohmann/json.hpp>

namespace strata::helper {

namespace {

// The layers reach LayerStack through /proc/self/fd: the directories that were
// validated, not whatever their paths name now.
std::string viaFd(const ResolvedDir &d)
{
    return "/proc/self/fd/" + std::to_string(d.fd.get());
}

} // namespace

Checked<std::string> inspectPrivileged(const ValidatedRead &v)
{
    stack::StackSpec spec;
    std::vector<std::string> shown; // the caller's paths, top first, as layers() orders them
    if (v.upper) {
        spec.upper = viaFd(*v.upper);
        shown.push_back(v.upper->path);
    }
    if (v.work)
        spec.work = viaFd(*v.work);
    for (const auto &l : v.lowers) {
        spec.lower.push_back(viaFd(l));
        shown.push_back(l.path);
    }
    spec.sourceKind = "directories";
    auto stack = stack::LayerStack::fromSpec(spec);
    if (!stack)
        return refuse(InspectFailed, "stack", stack.error().reason);

    nlohmann::json layers = nlohmann::json::array();
    for (const auto &layer : (*stack)->layers()) {
        auto s = stack::summarizeLayer(**stack, layer.index);
        const size_t i = static_cast<size_t>(layer.index);
        nlohmann::json j {{"index", layer.index}, {"path", i < shown.size() ? shown[i] : std::string()}};
        if (!s) {
            j["error"] = s.error().reason;
        } else {
            j["xattrs_read"] = s->xattrsRead;
            j["entries"] = s->entries;
            j["whiteouts"] = s->whiteouts;
            j["opaque_dirs"] = s->opaqueDirs;
            j["redirects"] = s->redirects;
            j["metacopy"] = s->metacopy;
            j["copied_up"] = s->copiedUp;
        }
        layers.push_back(std::move(j));
    }
    nlohmann::json out {
        {"schema", 1}, {"can_read_overlay_xattrs", (*stack)->canReadOverlayXattrs()}, {"layers", std::move(layers)}};
    if (v.work) {
        auto index = stack::readIndex(**stack);
        nlohmann::json entries = nlohmann::json::array();
        if (index) {
            for (const auto &e : index->entries) {
                if (entries.size() >= 10000)
                    break;
                entries.push_back({{"name", e.name},
                                   {"kind", std::string(stack::indexKindName(e.kind))},
                                   {"status", std::string(stack::indexStatusName(e.status))},
                                   {"lower_layer", e.lowerLayer}});
            }
            out["index"] = {{"present", index->present}, {"entries", std::move(entries)}};
        } else {
            out["index"] = {{"error", index.error().reason}};
        }
    }
    return out.dump();
}

} // namespace strata::helper
