// SPDX-License-Identifier: GPL-2.0-or-later
#include "lowerlist.h"

#include "mounts/overlayoptions.h"

namespace strata::cli {

Result<std::vector<std::string>> splitLayerList(std::string_view list, std::string_view option)
{
    // The split itself is the kernel's lowerdir= rule (mounts::splitLowerdir); what
    // stratactl adds is stricter input: no empty list, no dangling escape, and no
    // "::" (data-only layers come from --data).
    const std::string opt = "--" + std::string(option);
    const std::string quoted = "the layer list '" + std::string(list) + "'";
    if (list.empty())
        return fail(makeError(opt, "empty layer list"));
    size_t backslashes = 0;
    for (auto it = list.rbegin(); it != list.rend() && *it == '\\'; ++it)
        ++backslashes;
    if (backslashes % 2 == 1)
        return fail(makeError(opt, quoted + " ends in a lone backslash (write \\\\ for a backslash)"));
    auto split = mounts::splitLowerdir(list);
    if (!split)
        return fail(makeError(opt,
                              quoted + ": " + split.error().reason
                                  + " (a leading, trailing or doubled ':' leaves an empty path; write \\: for a "
                                    "colon inside a path)"));
    if (!split->dataLayers.empty())
        return fail(makeError(opt,
                              "empty path in " + quoted
                                  + " ('::' separates data-only layers for the kernel: give them with --data)"));
    return std::move(split->lowers);
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
