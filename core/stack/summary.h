// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Whole-stack figures: per-layer counts from each layer's own tree, and the merged
// walk that finds wasted space (dive's figure: bytes stored in a layer but not
// visible in the merged view because a higher layer replaced, deleted or hid them).

#include "mergedtree.h"
#include "mergedwalk.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata::stack {

struct LayerSummary {
    int layer = 0;
    Role role = Role::Lower;
    std::string path;
    FsIdentity fs;
    uint64_t entries = 0; // everything below the root, whiteouts included
    uint64_t dirs = 0;
    uint64_t files = 0; // regular files
    uint64_t bytes = 0; // sum of st_size of regular files
    uint64_t whiteouts = 0; // 0/0 devices and xattr whiteouts (overlay.whiteout)
    uint64_t opaqueDirs = 0;
    uint64_t redirects = 0;
    uint64_t metacopy = 0;
    uint64_t copiedUp = 0; // objects with overlay.origin
    bool xattrsRead = true; // false: overlay xattrs unreadable, the last five are unknown
    std::vector<Error> problems;
};

struct WastedPath {
    std::string path; // merged path
    int layer = 0; // layer storing the wasted bytes
    uint64_t bytes = 0;
    std::string why; // "replaced by layer 0", "deleted by a whiteout in layer 1", ...
};

struct StackSummary {
    std::vector<LayerSummary> layers;
    uint64_t mergedEntries = 0; // visible in the merged view
    uint64_t mergedBytes = 0;
    uint64_t wastedBytes = 0;
    uint64_t wastedEntries = 0;
    std::vector<WastedPath> topWasted; // most bytes first
    std::vector<Error> problems;
    bool cancelled = false;
};

struct ScanControl {
    std::function<void(uint64_t entriesSeen)> progress; // called now and then, from the scanning thread
    const std::atomic<bool> *cancel = nullptr;
    size_t topWasted = 20;
};

Result<LayerSummary> summarizeLayer(const LayerStack &stack, int layer, const ScanControl &ctl = {});
Result<StackSummary> summarizeStack(const LayerStack &stack, const ScanControl &ctl = {});

// What one layer changes relative to everything below it (dive's per-layer view).
enum class Change : uint8_t { Added, Modified, Deleted };
std::string_view changeName(Change c);
struct LayerChange {
    std::string path; // merged path
    Change change;
    FileType type; // of the new version (Added/Modified) or of what was deleted
    uint64_t size = 0;
};
Result<std::vector<LayerChange>> layerChanges(const LayerStack &stack, int layer, const ScanControl &ctl = {});

} // namespace strata::stack
