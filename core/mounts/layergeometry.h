// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where the directories of a stack lie relative to each other: which layer is the
// same directory as another or nested inside it. One walk and one comparison for
// the preflight (what the kernel will refuse), the helper (what it will not mount
// for a user) and the engine (what it will not serve); each words the outcome in
// its own terms. Directories are compared by identity (st_dev, st_ino), so other
// spellings of a path, symbolic links and bind mounts are seen through.

#include <cstddef>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace strata::mounts {

using DirId = std::pair<dev_t, ino_t>;

enum class Walk {
    // Parents while the device stays the same: the closest userspace view of the
    // kernel's own check (ovl_check_layer walks dentry parents in one superblock),
    // so a layer on another filesystem mounted inside a lower is not an overlap.
    SameFilesystem,
    // Parents up to "/", crossing mount points: nothing a mount could hide. For
    // rules stricter than the kernel's (the helper, the engine).
    AcrossMounts,
};

// The directory `fd` (any open mode, O_PATH included) and its ancestors, itself
// first. Bounded at 4096 levels; stops where ".." cannot be opened.
std::vector<DirId> ancestryOf(int fd, Walk walk);

// One directory of a stack: its ancestry (chain.front() is itself). `tag` is the
// caller's own index to find its layer again.
struct PlacedDir {
    std::vector<DirId> chain;
    size_t tag = 0;
    DirId self() const { return chain.empty() ? DirId {} : chain.front(); }
};

// Two directories of which one is the other (`same`) or lies inside it.
struct Overlap {
    size_t inner = 0; // index into the vector given to overlapsOf
    size_t outer = 0;
    bool same = false; // then inner is the later of the two
};

// Is `chain` (a directory's ancestry) at or below `dir`?
bool isAtOrBelow(const std::vector<DirId> &chain, DirId dir);

// Every overlapping pair once, in order of (earlier, later) position.
std::vector<Overlap> overlapsOf(const std::vector<PlacedDir> &dirs);

} // namespace strata::mounts
