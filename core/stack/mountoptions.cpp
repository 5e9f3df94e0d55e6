// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountoptions.h"

namespace strata::stack {

mounts::OverlayOptions overlayOptionsFor(const StackSpec &spec)
{
    mounts::OverlayOptions o;
    o.lowers = spec.lower;
    o.dataLayers = spec.data;
    o.upper = spec.upper;
    o.work = spec.work;
    for (const auto &[key, value] : spec.options)
        o.others.push_back({key, value});
    if (spec.xattrNamespace == ovl::Namespace::User && !o.has("userxattr"))
        o.others.push_back({"userxattr", std::nullopt});
    return o;
}

} // namespace strata::stack
