// SPDX-License-Identifier: GPL-2.0-or-later
#include "lowerlist.h"

namespace strata::cli {

Result<std::vector<std::string>> splitLayerList(std::string_view list, std::string_view option)
{
    const std::string opt = "--" + std::string(option);
    std::vector<std::string> out;
    std::string cur;
    auto finish = [&]() -> Result<void> {
        if (cur.empty())
            return fail(makeError(opt,
                                  list.empty() ? std::string("empty layer list")
                                               : "empty path in the layer list '" + std::string(list)
                                          + "' (a leading, trailing or doubled ':'; write \\: for "
                                            "a colon inside a path)"));
        out.push_back(std::move(cur));
        cur.clear();
        return {};
    };
    for (size_t i = 0; i < list.size(); ++i) {
        const char c = list[i];
        if (c == '\\') {
            if (i + 1 == list.size())
                return fail(makeError(opt,
                                      "the layer list '" + std::string(list)
                                          + "' ends in a lone backslash (write \\\\ for a backslash)"));
            cur += list[++i];
        } else if (c == ':') {
            if (auto r = finish(); !r)
                return fail(r.error());
        } else {
            cur += c;
        }
    }
    if (auto r = finish(); !r)
        return fail(r.error());
    return out;
}

Result<std::vector<std::string>> layerPaths(std::span<const std::string> values, std::string_view option)
{
    if (values.size() == 1)
        return splitLayerList(values.front(), option);
    std::vector<std::string> out;
    for (const auto &v : values) {
        if (v.empty())
            return fail(makeError("--" + std::string(option), "empty path"));
        out.push_back(v);
    }
    return out;
}

} // namespace strata::cli
