// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Capturing union mounts so they can be rebuilt (checkpoint/restore). A layer's
// identity is its filesystem's UUID plus the file handle of its root directory, not
// its path: mountinfo shows whatever the mounter passed (Docker's l/ links, relative
// paths, /proc/self/fd/N, a restorer's "yard" prefix), so the path is kept only as a
// first place to look. The file format is docs/capture-file.md (capturefile.h).

#include "mounttable.h"
#include "overlayoptions.h"
#include "util/error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata::mounts {

using FsUuid = std::array<uint8_t, 16>;

enum class CapturedRole : uint8_t { Lower, Data, Upper, Work };
std::string_view capturedRoleName(CapturedRole r); // "lower", "data", "upper", "work"

// Who a directory is: the filesystem it lives on and its root's file handle there.
struct DirIdentity {
    std::string fsType; // of the mount it was reached through ("ext4", "tmpfs", ...)
    std::optional<FsUuid> fsUuid; // FS_IOC_GETFSUUID, else libmount/libblkid by device
    std::string uuidSource; // "ioctl", "blkid" or "" (the fs has none)
    unsigned devMajor = 0;
    unsigned devMinor = 0;
    uint64_t mountId = 0; // STATX_MNT_ID_UNIQUE of the mount it was reached through
    std::string fsMountPoint; // that mount's mount point, for people
    int handleType = 0; // name_to_handle_at's handle_type
    std::vector<uint8_t> handle; // f_handle bytes (non-connectable, as overlay encodes)

    // Same directory of the same filesystem: uuid (or device when the fs has no
    // uuid), handle type and bytes. Paths, mount ids and mount points may differ.
    bool sameDirAs(const DirIdentity &other) const;
    // What differs, in words ("handle differs", "filesystem uuid ... not ..."); "" if same.
    std::string differenceFrom(const DirIdentity &captured) const;
};

struct CapturedLayer {
    CapturedRole role = CapturedRole::Lower;
    std::string path; // as mountinfo (or the engine's command line) gives it
    std::string resolvedPath; // absolute, no symlinks, resolved at capture
    DirIdentity id;
};

// What the upper layer records about the stack (index=on checks these at mount).
struct UpperFacts {
    std::string xattrNamespace = "trusted"; // "trusted" | "user"
    std::optional<FsUuid> overlayUuid; // overlay.uuid of the upper root
    std::optional<std::vector<uint8_t>> rootOrigin; // raw overlay.origin of the upper root
    bool index = false; // mounted with index=on
};

struct CapturedMount {
    std::string mountPoint;
    std::string backend; // "overlay" or "strata-fuse"
    std::string fsType; // as mountinfo: "overlay", "fuse.strata-fuse"
    std::string source;
    std::string superOptions; // superblock options exactly as the kernel holds them
    std::string mountOptions; // per-mount options (rw, nosuid, relatime, ...)
    std::vector<OverlayOption> options; // the options other than the layers, in order
    std::vector<CapturedLayer> layers; // lowers top first, data layers, upper, work
    std::optional<UpperFacts> upper;
    // Mount points of captured mounts that are layers of this one; restore mounts
    // them first.
    std::vector<std::string> stacksOn;

    std::vector<const CapturedLayer *> layersOf(CapturedRole role) const;
    // "lower 3 '/var/lib/docker/overlay2/l/ABC'": how errors name a layer.
    std::string describeLayer(size_t index) const;
};

inline constexpr int kCaptureVersion = 1;

struct Capture {
    int version = kCaptureVersion;
    std::string kernel; // uname -r at capture
    std::vector<CapturedMount> mounts; // dependency order: a mount after what it stacks on
};

// The identity of an open directory (O_PATH is fine), `table` to name its mount.
Result<DirIdentity> identifyDir(int fd, std::span<const MountEntry> table);

// Every overlay and strata-fuse mount of this mount namespace (none given), or the
// mounts at `mountPoints`. Fails naming the mount and layer that cannot be captured.
Result<Capture> captureMounts(std::span<const std::string> mountPoints = {});
Result<CapturedMount> captureMount(const MountEntry &entry, std::span<const MountEntry> table);

// Orders mounts so that each comes after the captured mounts it stacks on; fails on
// a cycle (which a real mount table cannot have, but a capture file can).
Result<void> sortByDependencies(std::vector<CapturedMount> &mounts);

} // namespace strata::mounts
