// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "util/error.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::mounts {

// One line of /proc/self/mountinfo. Paths are bytes (mountinfo's octal escapes
// decoded by libmount); they may hold newlines or invalid UTF-8.
struct MountEntry {
    int id = 0;
    int parentId = 0;
    unsigned devMajor = 0;
    unsigned devMinor = 0;
    std::string root; // the directory of the filesystem mounted here
    std::string target; // the mount point
    std::string fstype; // "overlay", "fuse.mergerfs", ...
    std::string source;
    std::string vfsOptions; // per-mount options ("rw,relatime")
    // Superblock options exactly as the kernel printed them: the octal escapes
    // (\054 for ',' in a value, \040, \134, ...) are kept, because decoding them
    // first would make a comma inside a layer path look like an option separator.
    // parseOverlayOptions() takes this string.
    std::string fsOptions;
    std::string optionalFields; // propagation: "shared:1 master:2"

    bool isUnion() const;
};

// The union filesystems Strata knows how to read, kept in one place: kernel overlayfs
// and the FUSE union engines (its own and its peers).
std::span<const std::string_view> unionFsTypes();
bool isUnionFsType(std::string_view fstype);

// Parses mountinfo text (the format of /proc/<pid>/mountinfo) through libmount.
Result<std::vector<MountEntry>> parseMountInfo(std::string_view text);

// Every mount this process sees, and only the union mounts, in mountinfo order.
Result<std::vector<MountEntry>> readMountTable();
Result<std::vector<MountEntry>> readUnionMounts();
std::vector<MountEntry> unionMountsOf(std::span<const MountEntry> table);

// The mount whose mount point is exactly `canonicalTarget`. When several mounts are
// stacked on one target, the topmost is returned: the one no other candidate is
// mounted on top of, and among equals the last in mountinfo order.
std::optional<MountEntry> mountAt(std::span<const MountEntry> table, std::string_view canonicalTarget);

// Resolves `path` with realpath(3), then finds the mount at exactly that path.
// Fails when `path` cannot be resolved or is not a mount point.
Result<MountEntry> findMount(const std::string &path);

} // namespace strata::mounts
