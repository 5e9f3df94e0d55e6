// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Every whiteout the merged view meets, and what each hides: the one list that
// `stratactl whiteouts` prints and the desktop app's whiteouts view shows. A whiteout
// is either in effect (it is the topmost version of its name: the name is deleted)
// or covered (a higher layer made the name again, so it only hides what lies below
// it from that higher version's point of view). Whiteouts inside a directory that is
// itself deleted or hidden by an opaque directory are never reached, as in the
// kernel's readdir.

#include "mergedtree.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace strata::stack {

struct WhiteoutHides {
    int layer = 0;
    std::string path; // within that layer
    FileType type = FileType::Unknown;
};

struct WhiteoutInfo {
    std::string path; // merged path ("a/b")
    int layer = 0; // the layer holding the whiteout
    std::string layerPath; // its path within that layer
    bool xattr = false; // an empty file with overlay.whiteout, not a 0/0 device
    nlink_t nlink = 0; // > 1: a shared (hard-linked) whiteout inode
    int coveredBy = -1; // the layer that made the name again; -1: in effect
    std::vector<WhiteoutHides> hides; // the versions below it, top first

    bool inEffect() const { return coveredBy < 0; }
    bool shared() const { return nlink > 1; }
};

struct WhiteoutScan {
    const std::atomic<bool> *cancel = nullptr;
    std::function<void(uint64_t entriesSeen)> progress; // now and then, from the scanning thread
};

struct WhiteoutReport {
    std::vector<WhiteoutInfo> whiteouts; // walk order: directories before their children, names bytewise
    std::vector<Error> problems; // directories that could not be listed (the list is then partial)
    std::vector<Error> entryProblems; // facts of walked entries that could not be read
    bool cancelled = false; // stopped on `cancel`: the list is partial
};

// Walks the merged view of `tree` from its root. Fails only when the root itself
// cannot be listed.
Result<WhiteoutReport> collectWhiteouts(const MergedTree &tree, const WhiteoutScan &scan = {});

} // namespace strata::stack
