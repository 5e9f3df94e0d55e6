// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "stackspec.h"

#include <string>

namespace strata::stack {

// Creates, without privileges, a small stack under `dir` that shows every state at
// once: lower1/ (bottom), lower2/, upper/, work/, with user.overlay.* xattrs, 0/0
// whiteouts, an xattr whiteout in an opaque=x dir, an opaque dir, a redirected
// (renamed) dir, copied-up files with origins and a metacopy file. Writes
// dir/stack.json and returns its spec. `dir` must exist and be empty.
Result<StackSpec> createDemoStack(const std::string &dir);

} // namespace strata::stack
