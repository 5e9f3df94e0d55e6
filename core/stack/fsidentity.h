// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "layer.h"
#include "util/error.h"

namespace strata::stack {

// The filesystem a directory (open fd) lives on: type name, device, uuid, read-only,
// and whether it is remote (the kernel refuses remote uppers: NFS, SMB, FUSE, ...).
// The type name comes from statfs f_type through mounts/fsfacts.h (the one table of
// filesystems); callers with a mount table refine it (a FUSE subtype such as
// fuse.sshfs is only visible there).
Result<FsIdentity> fsIdentityOf(int fd);

} // namespace strata::stack
