// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "config.h"

namespace strata::engine {

// Everything that can be checked before mounting, so that a failure is one clear
// message naming the path and the reason and the mount never goes live half-set-up:
// every layer exists and is a directory, no two layers (nor the workdir) nest, the
// workdir shares the upper's filesystem, the upper is writable. Paths in `c` are
// made absolute and canonical.
Result<void> validate(Config &c);

// CAP_SYS_ADMIN in the effective set: what FUSE passthrough needs.
bool hasSysAdmin();

} // namespace strata::engine
