// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "layer.h"

#include <optional>
#include <string>
#include <vector>

namespace strata::stack {

// Which xattr namespace a stack of directories uses, when nothing says so: looks for
// overlay xattrs on the layer roots and on a bounded number of entries below them
// (upper first). user.overlay.* found -> User; trusted.overlay.* found -> Trusted;
// nothing found -> Trusted, the kernel's default.
ovl::Namespace detectNamespace(const std::vector<Layer> &layers);

// /sys/module/overlay/parameters/NAME as a boolean (Y/N), when readable.
std::optional<bool> readModuleBool(const std::string &name);

} // namespace strata::stack
