// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What strata-fuse with -o lowerwatch must show after changes made directly on
// its lowers: what a fresh kernel overlay mount of the same layers shows now. The
// fresh mount is read-only with the upper as its top lower (so it writes nothing
// into the layers the running union uses) and redirect_dir=follow, so the upper's
// directory renames are followed as the read-write mount would.

#include "treesnapshot.h"
#include "unionfixture.h"

#include <string>

namespace strata::test {

// The fresh kernel view of u's `sub` directory ("" = all); `lowers` is how many
// lowers u has. Empty with *err set when the kernel refuses the mount.
Snapshot freshKernelView(const UnionFixture &u, int lowers, const std::string &sub, std::string *err);

// Reads the union's `sub` until it equals the fresh kernel view, at most `timeoutMs`
// (polled every 10 ms: the engine's notify thread runs on its own). "" and the time
// taken in *ms, or the last difference.
std::string convergeToFresh(const UnionFixture &u, int lowers, const std::string &sub, int timeoutMs, long long *ms);

} // namespace strata::test
