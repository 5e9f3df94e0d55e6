// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"
#include "util/uniquefd.h"

#include <cstdint>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

// One directory entry of one layer, with its lstat.
struct RawEntry {
    std::string name;
    struct stat st {};
};

// Opens `path` (relative, "" = the root) below a layer root fd as a directory,
// refusing symlinks in any component and any escape from the layer
// (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS; O_NOFOLLOW walk on old kernels).
Result<UniqueFd> openLayerDir(int layerFd, const std::string &path, bool forReading);

// Reads every entry of an open directory from its start, whatever was read of it
// before (getdents64 in large batches), and lstats
// each one relative to the directory fd. An entry that vanishes between the two
// calls is dropped (it is gone); any other stat failure fails the read, naming it.
Result<std::vector<RawEntry>> readLayerDir(int dirFd, const std::string &pathForErrors);

// The names of a directory only (one getdents64 pass, nothing statted), packed in
// one buffer: a listing that hands out its first entries before it has looked at
// the rest stats each one when it needs it (statLayerEntry), so a 100k-entry
// directory costs neither 100k lstats nor 100k entry allocations up front.
// Each name is preceded by its getdents d_type byte, so a walk that needs only names
// and kinds (MergedTree::walkPaths) stats nothing it does not have to, and the
// type follows its name when the offsets are reordered.
struct DirNames {
    std::string pool; // per name: its d_type byte, then the name, NUL-terminated
    std::vector<uint32_t> offsets; // where each name starts in `pool`
    size_t size() const { return offsets.size(); }
    const char *name(size_t i) const { return pool.data() + offsets[i]; }
    // DT_DIR, DT_REG, ...; DT_UNKNOWN where the filesystem does not say
    unsigned char type(size_t i) const { return static_cast<unsigned char>(pool[offsets[i] - 1]); }
};
// Reads from the fd's current position: a freshly opened one (no rewind: one
// syscall less per directory of a scan).
Result<DirNames> readLayerDirNames(int dirFd, const std::string &pathForErrors);
// lstat of `e.name` relative to the dir fd it was read from. false: the entry is
// gone (removed since the read); an error for any other failure.
Result<bool> statLayerEntry(int dirFd, RawEntry &e, const std::string &pathForErrors);

} // namespace strata::stack
