// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A directory's merged listing (fs/overlayfs/readdir.c) and the lower-layer
// existence test dir.c uses before it removes or creates a name: which entries the
// layers hold, the rules in core/ovl/mergerules.h deciding which show and with
// which d_ino.

#include "fs.h"

#include <dirent.h>
#include <string>
#include <vector>

namespace strata::engine {

struct DirEntry {
    std::string name;
    unsigned char type = DT_UNKNOWN;
    ino_t ino = 0;
};
// The merged listing (readdir.c): upper first, duplicates dropped, whiteouts hide
// (ovl::readdirHides: xattr whiteouts only in opaque=x dirs of a non-last lower).
// `withDots` adds "." and "..". `sawWhiteouts` reports whiteouts in the upper dir.
// `listing`: what readdir shows, where the kernel lists a directory that is neither
// merged nor copied up (no origin) straight from its layer, whiteouts included
// (readdir.c ovl_dir_is_real: they then fail lookup with ENOENT); emptiness checks
// never count whiteouts.
Result<std::vector<DirEntry>> mergedEntries(Fs &f, const Inode &dir, bool withDots, bool *sawWhiteouts = nullptr,
                                            bool listing = false);

// Does a lower layer show `name` under `parent` (overlayfs ovl_lower_positive)?
bool lowerPositive(Fs &f, const Inode &parent, const std::string &name);

} // namespace strata::engine
