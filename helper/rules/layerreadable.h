// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Whether a caller may see everything an overlay of one of their lower layers
// would show them. The overlay reads its layers with the mounter's credentials
// (root here) while it checks the caller only against the merged inode, whose
// attributes come from the topmost layer: an upper directory `a` of the caller's
// merged over a lower `a` they cannot read would list its names and attributes to
// them. So, for a caller who is not root, every directory of every lower layer
// must be readable and searchable by that caller, and no mount may sit inside a
// layer (the overlay shows the directory underneath, which cannot be checked).

#include "refusal.h"
#include "validation.h"

#include <optional>

namespace strata::helper {

// Walks `layer` with the current thread's credentials (call it inside
// runAsCaller). Returns the first directory that breaks the rule, or nothing.
std::optional<Refusal> checkLayerReadable(const ResolvedDir &layer);

} // namespace strata::helper
