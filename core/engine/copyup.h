// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Copy-up and whiteouts, written as kernel overlayfs writes them
// (fs/overlayfs/copy_up.c, dir.c). All callers hold Fs::tree exclusively.

#include "fs.h"

namespace strata::engine {

// Gives `i` an upper object, parents first. Staged in workdir/work: the object is
// created under a temp name, gets its data (copy_file_range, holes kept), owner,
// mode, xattrs (private overlay ones excluded), origin (for directories and files
// with one link) and times, is fsynced, then renamed into place. A crash leaves
// either no upper object or the complete one. `truncate`: the caller is about to
// truncate, so no data is copied (open with O_TRUNC).
Result<void> copyUp(Fs &f, Inode &i, bool truncate = false);

// copyUp, then, for a metacopy file, its data: an upper metacopy (written by a
// kernel metacopy=on mount) gets the data in place. Before writes, truncation,
// rename and link, which the engine never leaves metadata-only.
Result<void> copyUpData(Fs &f, Inode &i, bool truncate = false);

// A fresh "#<hex>" name in workdir/work (dir.c ovl_lookup_temp).
std::string tempName(Fs &f);

// Puts a 0/0 whiteout at dirfd/name, replacing what is there (a directory is
// exchanged out and removed), or creating it where nothing is.
Result<void> whiteoutAt(Fs &f, int dirfd, const std::string &name, bool replaceDir);

// Marks an upper directory impure once (util.c ovl_set_impure).
void ensureImpure(Fs &f, Inode &dir);

} // namespace strata::engine
