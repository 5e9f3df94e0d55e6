// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Compares what a mounted stack (kernel overlayfs or strata-fuse) shows through its
// mount point with what its layers say now (the inspector's merged view over the
// layer directories). Kernel overlayfs caches lookups and merged listings and does
// not expect its lowers to change: after a lower change the mount can show "ghosts"
// (names the layers no longer justify), miss new names, or report stale facts.
//
// Streams directory by directory (memory bounded by the largest directory); walks
// only directories both sides show as directories. Qt-free: `stratactl verify`, the
// app's Verify action and `stratactl restore` (its check of the new mount) run the
// same comparison.

#include "stack/layerstack.h"
#include "util/error.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::watch {

struct Discrepancy {
    enum class Kind : uint8_t {
        Ghost, // shown by the mount, not justified by the layers
        Missing, // justified by the layers, not shown by the mount
        Stale, // shown by both, but a fact differs (`fact`: "type", "size", "mode", "owner",
               // "target" (a symlink's), "origin-layer")
    };
    Kind kind = Kind::Ghost;
    std::string path; // merged path, "" = the root
    std::string fact; // Stale only
    std::string mountValue; // what the mount shows ("file", "4096", "0644", "2"), "" when absent
    std::string layersValue; // what the layers say
    int layer = -1; // the layer the layers' version comes from (-1: none)
};
std::string_view discrepancyKindName(Discrepancy::Kind k); // "ghost", "missing", "stale"

struct VerifyOptions {
    size_t maxDirs = 0; // 0: every directory
    std::function<bool()> cancelled; // polled between directories
};

struct VerifySummary {
    size_t dirs = 0; // merged directories compared
    size_t entries = 0; // names compared
    size_t discrepancies = 0;
    std::vector<Error> problems; // what could not be read (on either side)
    bool truncated = false; // stopped at maxDirs or cancelled
};

// `stack` is the stack of the mount (LayerStack::fromMount, or the spec a strata-fuse
// mount was made from). Each discrepancy goes to `sink` as it is found.
Result<VerifySummary> verifyMount(const std::string &mountpoint, std::shared_ptr<const stack::LayerStack> stack,
                                  const std::function<void(const Discrepancy &)> &sink, const VerifyOptions &opts = {});

} // namespace strata::watch
