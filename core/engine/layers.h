// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "config.h"
#include "mounts/doctor_probes.h"
#include "ovl/xattrnames.h"
#include "util/uniquefd.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::engine {

// The layer roots, held open for the whole mount: every later access is relative
// to these fds, never to a path that could be swapped underneath.
struct Layers {
    std::vector<UniqueFd> lowers; // O_PATH roots, top first
    std::vector<dev_t> lowerDev; // st_dev of each lower root
    std::vector<std::array<uint8_t, 16>> lowerUuid; // its filesystem uuid (as in file handles), zero if none
    std::vector<UniqueFd> data; // data-only layer roots (O_PATH), never merged by path
    UniqueFd upper; // O_PATH root; invalid when read-only
    UniqueFd work; // workdir/work (O_PATH), the copy-up staging dir
    UniqueFd index; // workdir/index (O_PATH) with index=on, persistent
    ovl::Namespace ns = ovl::Namespace::Trusted;
    // ovl_same_dev(): the upper and every lower and data-only layer on one st_dev.
    // Readdir then looks up upper entries of impure dirs (ovl::readdirLooksUp).
    // Fixed at mount, as the kernel's ofs->xino_mode is.
    bool sameDev = false;
    // The kernel's layer->has_xwhiteouts, one per lower layer: set once a lookup met
    // a directory whose opaque=x counts in that layer (ovl_layer_set_xwhiteouts),
    // never cleared; read by readdir (ovl::inXWhiteoutsDir). Allocated at mount,
    // so a lookup sets it without a lock.
    std::deque<std::atomic<bool>> lowerXWhiteouts;
    mounts::UpperFormat format; // how whiteouts and renames are written (upperformat.h)
    bool upperXWhiteouts = false; // the upper root is marked: it keeps xattr whiteouts

    bool readOnly() const { return !upper.valid(); }
};

// Opens the layers and prepares workdir/work the way the kernel does at mount
// (super.c ovl_workdir_create): a leftover work/ is emptied, a volatile mount's
// incompat marker refuses the mount, and the xattr namespace is probed on it.
Result<Layers> openLayers(const Config &c);

// Removes everything below a directory the engine owns (work/ entries, a
// replaced directory holding only whiteouts). Stays on one filesystem.
void removeBelow(int dirfd);
// Removes dirfd/name, a whole tree when `isDir`.
void removeEntry(int dirfd, const std::string &name, bool isDir);

} // namespace strata::engine
