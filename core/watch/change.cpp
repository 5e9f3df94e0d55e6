// SPDX-License-Identifier: GPL-2.0-or-later
#include "change.h"

#include <array>
#include <utility>

namespace strata::watch {

std::vector<std::string_view> changeKindNames(uint32_t kinds)
{
    static constexpr std::array<std::pair<uint32_t, std::string_view>, 7> kNames {{
        {ChangeCreated, "created"},
        {ChangeDeleted, "deleted"},
        {ChangeMovedFrom, "moved-from"},
        {ChangeMovedTo, "moved-to"},
        {ChangeAttrib, "attrib"},
        {ChangeModified, "modified"},
        {ChangeDeletedSelf, "deleted-self"},
    }};
    std::vector<std::string_view> out;
    for (const auto &[bit, name] : kNames)
        if (kinds & bit)
            out.push_back(name);
    return out;
}

} // namespace strata::watch
