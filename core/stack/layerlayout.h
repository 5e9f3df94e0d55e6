// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A stack read from how its layers lie on disk, with nothing mounted: what the
// GUI's "Open Layer Directory" offers. Three layouts, tried in this order:
//  1. a containers layer directory (Docker overlay2, containers/storage "overlay"):
//     `diff/` is the layer, the `lower` file lists the layers beneath as
//     "l/ID:l/ID2" relative to the driver's directory (top first); with a `work/`
//     beside it (a container's writable layer) `diff/` is the upper;
//  2. a directory of layer directories: `lower` or `lowerN` (the highest N on top,
//     the order they were built, as Strata's demo writes them), `upper`, `work`;
//  3. anything else: the directory itself, one read-only lower layer.

#include "stackspec.h"
#include "util/error.h"

#include <string>

namespace strata::stack {

Result<StackSpec> specFromLayerDirectory(const std::string &dir);

} // namespace strata::stack
