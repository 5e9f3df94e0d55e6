// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The index directory (workdir/index, index=on / nfs_export=on): each entry is named
// by the hex of an origin file handle (fs/overlayfs/namei.c ovl_get_index_name_fh)
// and is a hard link to the upper inode (non-dirs, with overlay.nlink), a directory
// whose overlay.upper names the upper dir (nfs_export), or a whiteout (the object was
// deleted after its handle was given out).

#include "layerstack.h"
#include "ovl/filehandle.h"
#include "ovl/values.h"

#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

struct IndexEntry {
    enum class Kind : uint8_t { HardLink, Directory, Whiteout, Other };
    enum class Status : uint8_t {
        Ok, // handle resolves, entry consistent
        Orphan, // non-dir whose union nlink is 0: only the index holds it (cleaned at mount)
        Stale, // the handle no longer resolves to a lower object (ESTALE)
        Invalid, // the name is not a valid handle
        Unverified, // resolving the handle needs CAP_DAC_READ_SEARCH
        WorkFile, // "#<hex>": a temporary or the shared whiteout of the kernel, which
                  // uses index/ as its work dir when index=on (cleaned at mount)
    };
    std::string name;
    Kind kind = Kind::Other;
    Status status = Status::Unverified;
    struct stat st {};
    std::optional<ovl::FileHandle> handle;
    std::optional<ovl::Nlink> nlink;
    std::optional<unsigned> unionNlink; // what overlay.nlink gives
    std::optional<ovl::FileHandle> upper; // directories: overlay.upper
    int lowerLayer = -1; // where the handle resolves
    std::string lowerPath;
    std::string detail;
};
std::string_view indexKindName(IndexEntry::Kind k);
std::string_view indexStatusName(IndexEntry::Status s);

struct IndexReport {
    std::string dir; // workdir/index
    bool present = false; // false: no index (index=off, or never mounted with it)
    std::optional<ovl::FileHandle> binding; // overlay.upper (or origin) on index/ itself
    std::vector<IndexEntry> entries;
    std::vector<Error> problems;
};

Result<IndexReport> readIndex(const LayerStack &stack);

} // namespace strata::stack
