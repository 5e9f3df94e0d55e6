// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where a captured mount's layers really are. mountinfo holds the strings the
// mounter passed, which need not name anything from here: Docker's relative
// l/<id> links (it chdir()s first to stay under a page), /proc/self/fd/N of a process
// that is gone, paths under a restorer's temporary yard. strata-fuse publishes no
// layers at all; its daemon's command line (and its fds and cwd) does.

#include "mounttable.h"
#include "overlayoptions.h"
#include "util/uniquefd.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::mounts {

struct LayerSources {
    std::string backend; // "overlay" | "strata-fuse"
    OverlayOptions options; // layers and the other options
    pid_t enginePid = 0; // strata-fuse: the daemon whose fds and cwd the paths name
};

// The layers and options of an overlay (from its superblock options) or of a
// strata-fuse mount (from its daemon's command line, found by its mount point).
Result<LayerSources> layerSourcesOf(const MountEntry &entry);

struct ResolvedLayer {
    std::string path; // absolute, symlinks resolved
    UniqueFd fd; // O_PATH|O_DIRECTORY of the layer root
};

// One result per path, in order. Relative paths are tried against the directories
// above the stack's absolute layers (Docker's graph root holds l/ next to the layer
// dirs) and must all resolve against the same one; /proc/self/fd/N is resolved in the
// engine's fd table. A path that names no directory fails with the reason.
std::vector<Result<ResolvedLayer>> resolveLayerPaths(const std::vector<std::string> &paths,
                                                     const LayerSources &sources);

// The path the kernel has for an open fd (readlink of /proc/self/fd/N); fails for
// an object that was deleted.
Result<std::string> pathOfFd(int fd);

} // namespace strata::mounts
