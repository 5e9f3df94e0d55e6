// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "mounts/overlayoptions.h"
#include "stackspec.h"

namespace strata::stack {

// The overlay mount options a stack spec stands for: its layers, its options in
// order, and userxattr when the stack is in the user namespace. What `stratactl
// mount`, the doctor and the GUI's "Why won't it mount?" hand to core/mounts.
mounts::OverlayOptions overlayOptionsOf(const StackSpec &spec);

} // namespace strata::stack
