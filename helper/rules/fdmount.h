// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Acting on a validated request: only file descriptors, never the paths again.

#include "validation.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace strata::helper {

struct MountDone {
    uint64_t mountId = 0;
    std::vector<std::string> kernelMessages; // "w overlay: ..." lines of a mount that worked
    UniqueFd root; // the new mount's root, to undo it by fd if it cannot be recorded
};

// Kernel overlayfs through core's mount sequence (mounts/mountsequence.h) with
// every layer by fd (FSCONFIG_SET_FD; Linux 6.13+: mountinfo then shows the
// layers' real paths) and move_mount onto the held mount point fd. Always nosuid
// and nodev: the layers are a user's.
Checked<MountDone> mountKernelByFd(const ValidatedMount &v);

// strata-fuse as root in its own session, acting for the caller: the layers and the
// mount point are handed over as inherited fds (/proc/self/fd/N), plus allow_other,
// default_permissions (the kernel checks every access against the caller's own
// permissions), nosuid, nodev and fsname=strata:NAME. Returns once the engine's
// first process exits: 0 means the mount is live (it daemonizes only then).
Checked<MountDone> mountEngine(const ValidatedMount &v, const std::string &enginePath, int timeoutMs = 15000);

// Where strata-fuse is: next to this executable (build tree), else `installed`.
// Refused unless owned by root and writable by no one else (it will run as root).
Checked<std::string> findEngine(const std::string &installed);

// Detaches the mount whose root `root` is (by fd: nothing is looked up again).
Checked<void> unmountByFd(const ResolvedDir &root);
Checked<void> unmountByFd(int rootFd, const std::string &subject);

} // namespace strata::helper
