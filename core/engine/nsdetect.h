// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "ovl/xattrnames.h"

#include <optional>

namespace strata::engine {

// The overlay xattr namespace an existing upper already uses: the one whose names
// (X.overlay.*) are on more objects, nullopt when the upper shows neither (fresh,
// or nothing copied up yet). Not "any trusted.overlay.* means trusted": a mount in
// one namespace copies the other's names up from a lower as plain xattrs (the
// kernel with userxattr copies a lower's trusted.overlay.opaque), so a few of the
// other kind are expected. Looks at the upper root and at most `budget` objects
// below it, breadth first, so a huge upper costs little.
std::optional<ovl::Namespace> detectUpperNamespace(int upperfd, int budget = 4096);

} // namespace strata::engine
