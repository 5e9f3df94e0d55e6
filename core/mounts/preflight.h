// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "overlayoptions.h"

#include <string>
#include <string_view>
#include <vector>

namespace strata::mounts {

enum class LayerRole { Stack, Lower, Data, Upper, Work };
// "lowerdir", "datadir", "upperdir", "workdir" (the mount option), "stack"; the
// doctor and the preflight name roles by it.
std::string_view layerKeyName(LayerRole r);
// Error: kernel overlayfs will refuse the mount. Warning: it mounts, degraded or
// with a risk. Info: worth knowing, nothing refused.
enum class Severity { Info, Warning, Error };

// One finding about one layer (or, with role Stack, about the stack as a whole).
struct LayerFinding {
    LayerRole role = LayerRole::Stack;
    size_t index = 0; // position among the lowers or the data layers
    std::string layer; // the layer's path; empty for Stack
    Severity severity = Severity::Info;
    std::string reason; // a sentence a person can act on
    // An Error that only the kernel has: strata-fuse, writing through the VFS like
    // any process, takes remote, FUSE and overlay uppers.
    bool engineAccepts = false;

    // "upperdir /x: reason" / "lowerdir 2 /y: reason"; the path shown escaped.
    std::string describe() const;
};

// What kernel overlayfs will refuse or degrade for this stack, and why, before
// anything is mounted. Reads only: stat, statfs, statx mount ids, a readdir and a
// getxattr on the upper; nothing is created. The checks follow the kernel's own
// (fs/overlayfs/params.c, super.c): missing or non-directory layers, more than 500
// lowers, upper on a remote filesystem (NFS, SMB, FUSE, ...) or on overlay, upper
// mount read-only, work and upper on different mounts or nested, overlapping layers,
// no d_type or xattrs on the upper, a left-over volatile marker in the workdir, an
// upper already used by a mounted overlay.
std::vector<LayerFinding> checkLayers(const OverlayOptions &spec);

bool hasErrors(const std::vector<LayerFinding> &findings);

} // namespace strata::mounts
