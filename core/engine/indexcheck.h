// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// index=on checks at mount, as the kernel's ovl_get_indexdir() makes them: the upper
// root's overlay.origin must be the first lower layer's root (set when missing), the
// index dir's overlay.upper must be this upper root (set when missing; an older
// kernel's overlay.origin there is verified too), then ovl_indexdir_cleanup():
// leftovers ("#...") and stale or orphan entries are removed, an entry the kernel
// cannot verify refuses the mount. A mismatch means the upper and its index belong
// to other layers (a copied disk, a new fs uuid): the kernel fails with ESTALE and
// so does strata-fuse, naming the path and the remedy.

#include "layers.h"

namespace strata::engine {

Result<void> verifyIndexAtMount(const Config &c, const Layers &l);

} // namespace strata::engine
