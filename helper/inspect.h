// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "rules/validation.h"

#include <string>

namespace strata::helper {

// The read-privileged action: what only root can read about a stack, as JSON.
// Per layer: the overlay metadata counts that need trusted.overlay.* (whiteouts,
// opaque dirs, redirects, metacopy, copied-up objects); the index: each entry's
// kind, status and the layer its handle resolves to. No file contents, no xattr
// values and no paths below the layer roots: nothing the caller could not already
// learn from layers they can read, except what the overlay metadata says.
Checked<std::string> inspectPrivileged(const ValidatedRead &v);

} // namespace strata::helper
