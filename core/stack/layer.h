// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "ovl/xattrnames.h"
#include "util/uniquefd.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace strata::stack {

// Upper is writable; lowers are read-only, top first; data-only lowers (after "::"
// or datadir+) are never merged into the tree and are reached only through the
// redirect of a metacopy file.
enum class Role : uint8_t { Upper, Lower, DataOnly };
std::string_view roleName(Role r); // "upper", "lower", "data"

// The identity of the filesystem a layer lives on.
struct FsIdentity {
    std::string fsType; // "ext4", "tmpfs", "nfs4", "fuse.sshfs", ...
    dev_t dev = 0; // st_dev of the layer root
    std::optional<std::array<uint8_t, 16>> uuid; // FS_IOC_GETFSUUID, when the fs has one
    bool readOnly = false; // ST_RDONLY
    bool remote = false; // NFS, CIFS, FUSE, ...: the kernel refuses these as upper
};

// One layer directory of a stack, held open: every read is relative to this fd.
struct Layer {
    int index = 0; // position in the stack, 0 = top (the upper when there is one)
    Role role = Role::Lower;
    std::string path; // as given (mount options, command line or stack file)
    std::string realPath; // resolved once at open (realpath), to place what handles open
    UniqueFd fd; // O_PATH|O_DIRECTORY of the layer root
    FsIdentity fs;
    ino_t rootIno = 0;
};

} // namespace strata::stack
