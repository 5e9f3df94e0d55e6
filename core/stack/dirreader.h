// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"
#include "util/uniquefd.h"

#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

// One directory entry of one layer, with its lstat.
struct RawEntry {
    std::string name;
    struct stat st;
};

// Opens `path` (relative, "" = the root) below a layer root fd as a directory,
// refusing symlinks in any component and any escape from the layer
// (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS; O_NOFOLLOW walk on old kernels).
Result<UniqueFd> openLayerDir(int layerFd, const std::string &path, bool forReading);

// Reads every entry of an open directory (getdents64 in large batches) and lstats
// each one relative to the directory fd. An entry that vanishes between the two
// calls is dropped (it is gone); any other stat failure fails the read, naming it.
Result<std::vector<RawEntry>> readLayerDir(int dirFd, const std::string &pathForErrors);

} // namespace strata::stack
