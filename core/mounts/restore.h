// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Restoring a captured mount: every layer is found again by identity (its
// filesystem's uuid and its root's file handle), at its captured path when that
// still is the same directory, otherwise through open_by_handle_at on whichever
// mounted filesystem now carries the uuid (a disk mounted elsewhere since, a
// restorer's yard). The overlay is then mounted with each layer passed as a file
// descriptor (fsconfig FSCONFIG_SET_FD, Linux 6.13+; /proc/self/fd/N strings before),
// so neither mount(2)'s page nor fsconfig's 255-byte strings bound the stack,
// through the one kernel mount sequence (mountsequence.h).

#include "capture.h"
#include "overlaymount.h"
#include "util/uniquefd.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata::mounts {

enum class LayerVerdict : uint8_t {
    AtPath, // the captured path is still the same directory
    ByHandle, // found through its filesystem's uuid and its handle, at a new path
    Pending, // on a captured mount that is restored first (known only then)
    Missing, // neither: the reason says what did not match
};
std::string_view verdictName(LayerVerdict v); // "found at path", "found by handle", ...
std::string_view verdictKey(LayerVerdict v); // "at_path", "by_handle", "pending", "missing"

struct LayerFinding {
    LayerVerdict verdict = LayerVerdict::Missing;
    std::string foundPath; // where the layer is now
    std::string why; // Missing: what did not match, at the path and by handle
    UniqueFd fd; // O_PATH|O_DIRECTORY of the layer root, when found
};

struct MountPlan {
    const CapturedMount *mount = nullptr;
    std::string target; // where it will be mounted
    std::vector<LayerFinding> layers; // as mount->layers

    bool ready() const; // every layer found
    // The first layer not found, as one error naming the mount and the layer.
    std::optional<Error> problem() const;
};

// Finds every layer of `m` (against the mounts of `table`), to mount at `target`
// (the captured mount point when empty). Does not mount anything.
MountPlan planMount(const CapturedMount &m, std::span<const MountEntry> table, const std::string &target = {});

// Finds a directory by identity: a mounted filesystem with its uuid (or device, for
// filesystems without one), then open_by_handle_at (needs CAP_DAC_READ_SEARCH).
Result<UniqueFd> openByIdentity(const DirIdentity &id, std::span<const MountEntry> table);

// The mount attributes (MOUNT_ATTR_*) a per-mount option string asks for
// ("ro,nosuid,nodev,noexec,relatime").
unsigned mountAttrsOf(const std::string &mountOptions);

// Mounts a kernel overlay from a ready plan, every layer by fd. Fails before
// touching anything when the plan is not ready or an option is not one Strata passes.
Result<MountReport> mountPlanned(const MountPlan &plan);

// After mounting: reads the new mount back and checks that each layer is the
// captured directory and the options are the captured ones. Fails naming the layer.
Result<void> checkRestored(const CapturedMount &m, const std::string &target);

} // namespace strata::mounts
