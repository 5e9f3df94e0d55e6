// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "overlayoptions.h"
#include "util/error.h"

#include <string>
#include <vector>

namespace strata::mounts {

// What the kernel said about a mount that succeeded: its informational and warning
// lines from the fs_context ("i overlay: ...", "w overlay: ..."), in order.
struct MountReport {
    std::vector<std::string> kernelMessages;
};

// Mounts kernel overlayfs at `target` through the new mount API (mountsequence.h,
// layers by path): one fsconfig call per layer (lowerdir+, datadir+: no escaping, no page limit), upperdir/workdir,
// then the allow-listed options of `spec.others`. `mountAttrs` are MOUNT_ATTR_*
// flags for fsmount (MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, ...).
// On failure Error::reason holds the kernel's own messages read from the fs_context;
// where the kernel logged none (many overlayfs refusals go to dmesg only), the
// preflight's findings say why instead.
Result<MountReport> mountOverlay(const OverlayOptions &spec, const std::string &target, unsigned mountAttrs = 0);

// The same through mount(2) with a legacy "lowerdir=a:b::d" data string (escaped by
// formatLegacyMountData): for kernels before 6.8 and for comparing both paths.
Result<void> mountOverlayLegacy(const OverlayOptions &spec, const std::string &target);

// Unmounts `target` (never following a symlink there); `lazy` detaches it now and
// lets the kernel finish when the last user is gone (MNT_DETACH).
Result<void> unmount(const std::string &target, bool lazy = false);

} // namespace strata::mounts
