// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "config.h"

namespace strata::engine {

// Validates, opens the layers, mounts, daemonizes once the mount is live (unless
// -f) and serves requests until unmounted. Returns the process exit status; every
// failure before the mount is live is printed as one line naming path and reason.
int run(Config config);

} // namespace strata::engine
