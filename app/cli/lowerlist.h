// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

// One --lower / --data value: layer paths separated by ':', top first. A backslash
// makes the next byte literal ("\:" a colon in a path, "\\" a backslash), as in the
// kernel's lowerdir=. Empty paths (a leading, trailing or doubled ':') and a trailing
// lone backslash are refused: "::" means data-only layers to the kernel, which
// stratactl takes from --data instead.
Result<std::vector<std::string>> splitLayerList(std::string_view list, std::string_view option);

// The layers of a layer option given `values.size()` times: one value is a colon
// list (splitLayerList); when the option is repeated, each value is one path taken
// verbatim, colons and backslashes included (like the kernel's lowerdir+=).
Result<std::vector<std::string>> layerPaths(std::span<const std::string> values, std::string_view option);

} // namespace strata::cli
