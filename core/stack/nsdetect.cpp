// SPDX-License-Identifier: GPL-2.0-or-later
#include "nsdetect.h"

#include "ovl/nsscan.h"

#include <fstream>

namespace strata::stack {

ovl::Namespace detectNamespace(const std::vector<Layer> &layers)
{
    // Layer by layer, upper first: the first object with overlay names decides,
    // user.overlay.* winning when it carries both.
    for (const auto &layer : layers) {
        const ovl::NamespaceCount c = ovl::countNamespaces(layer.fd.get(), 4096, true);
        if (c.user > 0)
            return ovl::Namespace::User;
        if (c.trusted > 0)
            return ovl::Namespace::Trusted;
    }
    return ovl::Namespace::Trusted;
}

std::optional<bool> readModuleBool(const std::string &name)
{
    std::ifstream in("/sys/module/overlay/parameters/" + name);
    std::string v;
    if (!(in >> v) || v.empty())
        return std::nullopt;
    return v[0] == 'Y' || v[0] == 'y' || v[0] == '1';
}

} // namespace strata::stack
