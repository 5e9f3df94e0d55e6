// SPDX-License-Identifier: GPL-2.0-or-later
#include "identitydoctor.h"

#include "identitycheck.h"
#include "layerstack.h"
#include "stackspec.h"

#include <fstream>

namespace strata::stack {

namespace {

// index=on when asked, else the overlay module's default (CONFIG_OVERLAY_FS_INDEX).
bool indexOn(const mounts::OverlayOptions &o)
{
    if (const auto v = o.value("index"))
        return *v == "on";
    std::ifstream param("/sys/module/overlay/parameters/index");
    std::string v;
    return param >> v && v == "Y";
}

} // namespace

std::vector<mounts::DoctorFinding> identityFindings(const mounts::OverlayOptions &o)
{
    std::vector<mounts::DoctorFinding> out;
    if (!o.upper || o.lowers.empty())
        return out;
    StackSpec spec;
    spec.lower = o.lowers;
    spec.data = o.dataLayers;
    spec.upper = o.upper;
    spec.work = o.work;
    for (const auto &x : o.others)
        spec.options.emplace_back(x.key, x.value);
    auto st = LayerStack::fromSpec(spec);
    if (!st)
        return out; // the doctor's own checks say why the layers do not open
    const IdentityVerdict v = checkIdentity(**st);
    if (v.state != IdentityState::Drifted)
        return out;
    const bool rootOrigin = v.outcome == IdentityVerdict::Outcome::RootOriginEstale;
    const bool binding = v.outcome == IdentityVerdict::Outcome::IndexBindingEstale;
    mounts::DoctorFinding f;
    f.code = "index-uuid-mismatch";
    f.severity = mounts::Severity::Warning;
    f.role = mounts::LayerRole::Upper;
    f.layer = *o.upper;
    // ESTALE only with index=on: index=off ignores the root origin and index/.
    f.kernelRefuses = indexOn(o) && (rootOrigin || binding);
    f.kernelMessage = rootOrigin ? "failed to verify upper root origin"
        : binding                ? "failed to verify index dir 'upper' xattr"
                                 : "";
    f.cause = "the stack's records carry filesystem uuid "
        + (v.recordedUuid ? uuidString(*v.recordedUuid) : std::string("?")) + ", the filesystem now has "
        + (v.currentUuid ? uuidString(*v.currentUuid) : std::string("none of the layers'")) + ": " + v.kernelWill;
    for (const auto &w : v.waysOut) {
        if (!w.applicable)
            continue;
        f.fix += (f.fix.empty() ? "" : "; or ") + w.action + " (" + w.consequence + ")";
    }
    out.push_back(std::move(f));
    return out;
}

} // namespace strata::stack
