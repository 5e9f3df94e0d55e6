// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The kernel's mount sequence for overlayfs, in one place: fsopen("overlay"), one
// fsconfig per layer and option, FSCONFIG_CMD_CREATE, fsmount, and move_mount
// onto a target. Layers are given by open directory (FSCONFIG_SET_FD, Linux 6.13+:
// nothing is looked up again, and mountinfo shows their real paths) or by path.
// The kernel's fs_context messages ("e overlay: ...", "w overlay: ...") are read
// at every step: into the error of a refused step, into the result of a mount that
// worked. mountOverlay (paths), the helper (fds it validated) and restore build on it.

#include "overlayoptions.h"
#include "util/error.h"
#include "util/uniquefd.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata::mounts {

// What the kernel said at each step, for the doctor's try-mount, which shows it all.
struct MountTrace {
    std::vector<std::string> messages; // every fs_context message, in order
    std::string step; // the step that failed: "fsconfig lowerdir+", "FSCONFIG_CMD_CREATE", "fsmount"
};

// One layer as the kernel receives it.
struct LayerRef {
    int fd = -1; // an open directory (O_PATH will do); used when >= 0
    std::string path; // used when fd < 0
    std::string subject; // what errors name; the path when empty

    static LayerRef byFd(int fd, std::string subject) { return {fd, {}, std::move(subject)}; }
    static LayerRef byPath(std::string path) { return {-1, std::move(path), {}}; }
    const std::string &named() const { return subject.empty() ? path : subject; }
};

// The layers per role and the options, as overlayfs's fs_context takes them.
struct OverlayLayers {
    std::vector<LayerRef> lowers; // lowerdir+, top first
    std::vector<LayerRef> dataLayers; // datadir+, after the lowers
    std::optional<LayerRef> upper;
    std::optional<LayerRef> work;
    std::vector<OverlayOption> options; // set in order, after the layers
    std::string subject = "overlay"; // what errors about the whole overlay name (its target)
    // A volatile overlay (mountsVolatile(options)) with an upper gets its checkpoint
    // beside the upper (volatile.h) once the kernel made it, for every mounter alike.
    // Off only for the doctor's try-mount, which leaves nothing behind.
    bool recordVolatile = true;
    MountTrace *trace = nullptr; // when given, filled as the steps go
};

// `spec`'s layers by path and its options, as they are.
OverlayLayers layersByPath(const OverlayOptions &spec);

// A mount made by fsmount and not attached anywhere yet: attach it with
// attachMount, or close it and it is gone.
struct DetachedMount {
    UniqueFd mount;
    std::vector<std::string> kernelMessages; // of the create step that worked
};

// Builds the overlay. `mountAttrs` are MOUNT_ATTR_* flags for fsmount. On failure
// Error::subject names the layer, option or step, Error::reason holds the step and
// the kernel's messages; where the kernel logged none (many overlayfs refusals go to
// dmesg only) `whenSilent`, if given, supplies the reason instead (the preflight).
// Options are not checked here: callers apply their own allow-list first.
Result<DetachedMount> createOverlay(const OverlayLayers &layers, unsigned mountAttrs = 0,
                                    const std::function<std::string()> &whenSilent = {});

// move_mount of `mountFd` onto the directory `path` relative to `dirFd` (AT_FDCWD
// for a path; an empty path attaches onto `dirFd` itself, an O_PATH fd held since
// a check). `subject` is what an error names.
Result<void> attachMount(int mountFd, int dirFd, const std::string &path, const std::string &subject);

// The kernel's messages queued on an fs_context fd (fsopen): "e overlay: ...", one
// per line, oldest first. Empties the queue.
std::vector<std::string> readFsContextMessages(int fsfd);

} // namespace strata::mounts
