// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

namespace strata::test {

// Preconditions of the test tiers. Each returns "" when met, else the reason a
// person reading the ctest log needs ("not root: ...").
std::string requireNothing();
std::string requireRoot();
std::string requireKernelOverlay(); // root + overlayfs mountable here
std::string requireFuse(); // /dev/fuse usable

// The whole file ("" when it cannot be read).
std::string readText(const std::string &path);

// Paths of built binaries and the source tree (set by strata_add_test).
std::string binaryDir();
std::string sourceDir();

} // namespace strata::test
