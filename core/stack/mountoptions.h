// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The overlay options a stack spec is mounted with: its layers, its other options in
// order, and `userxattr` for a stack whose overlay xattrs are user.overlay.* (the
// kernel reads trusted.overlay.* otherwise, so such a stack must be mounted with it,
// by either backend). The one place this rule lives; every mounter asks here.

#include "mounts/overlayoptions.h"
#include "stackspec.h"

namespace strata::stack {

mounts::OverlayOptions overlayOptionsFor(const StackSpec &spec);

} // namespace strata::stack
