// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Filesystem facts the doctor needs and the preflight does not read: what the upper
// filesystem really supports (tried in a scratch directory the way ovl_make_workdir
// tries it in work/work), unseen writeback errors, the stacking depth of a layer,
// file handles, and the overlay xattrs the layers carry.

#include "util/error.h"

#include <cstddef>
#include <optional>
#include <string>

namespace strata::mounts {

struct UpperFeatures {
    bool dType = true; // readdir reports d_type
    bool renameWhiteout = true; // renameat2(RENAME_WHITEOUT) leaves a 0/0 char device
    bool tmpfile = true; // O_TMPFILE
    bool xattrs = true; // overlay.opaque settable in the namespace asked for
    std::string xattrError; // strerror of the failed setxattr, when xattrs is false
    // What strata-fuse needs to write the kernel's format (chooseUpperFormat):
    bool mknodWhiteout = true; // mknod of a 0/0 char device (an overlay upper refuses: EPERM)
    std::string mknodError;
    bool xattrWhiteout = true; // overlay.whiteout settable on a zero-size regular file
    std::string xattrWhiteoutError;
    bool renameExchange = true; // renameat2(RENAME_EXCHANGE)
    bool renameNoReplace = true; // renameat2(RENAME_NOREPLACE) (fuse2fs refuses every flag: EINVAL)
    std::string fsType; // the upper filesystem's type name ("overlay", "fuse.bindfs", ...)
};

// Tries every feature in a fresh scratch directory created inside `workdir` (removed
// again). `userXattr`: probe user.overlay.* instead of trusted.overlay.*.
Result<UpperFeatures> probeUpperFeatures(const std::string &workdir, bool userXattr);
// The same inside the directory `dirfd` (strata-fuse probes its own work/ at mount).
Result<UpperFeatures> probeUpperFeaturesAt(int dirfd, const std::string &shownPath, bool userXattr);

// How strata-fuse writes the kernel's format on an upper (engine/upperformat.h), or
// why it cannot: one decision for the engine at mount and the doctor's fuse verdict.
enum class WhiteoutForm { Chardev, Xattr };
struct UpperFormat {
    WhiteoutForm whiteout = WhiteoutForm::Chardev; // 0/0 devices where the upper can hold them
    bool renameWhiteout = true; // atomic rename + whiteout (else staged: engine/upperformat.h)
    bool renameExchange = true; // RENAME_EXCHANGE (else staged steps, undone on failure)
    bool renameNoReplace = true; // RENAME_NOREPLACE (else a check for the name, then rename)
};
struct UpperFormatVerdict {
    std::optional<UpperFormat> format; // nullopt: strata-fuse refuses this upper
    std::string missing; // the missing feature, named ("trusted.overlay.* xattrs (...)")
};
// `ns` is the namespace the mount writes ("trusted" or "user").
UpperFormatVerdict chooseUpperFormat(const UpperFeatures &f, const std::string &ns);

// Opens a fresh fd on `path`'s filesystem and calls syncfs(2) on it: the errno of a
// writeback error nobody has seen yet, 0 when none. This *consumes* the error (marks
// it seen) for every later opener: the kernel's volatile check then passes. Callers
// record what it returned (volatile checkpoint) before anyone else looks.
Result<int> syncfsError(const std::string &path);

// The kernel's s_stack_depth of the filesystem `path` is on, as far as userspace can
// tell: 0 for a plain filesystem, 1 + the deepest layer for an overlay (its layers
// read from mountinfo, recursively). FUSE passthrough servers may add one that is
// not visible here.
int stackDepthOf(const std::string &path);

// Whether the filesystem `path` is on can encode and decode file handles (as root
// the decode is tried with open_by_handle_at; otherwise only the encode).
bool supportsFileHandles(const std::string &path);

// What one layer's overlay xattrs say, from a bounded breadth-first scan.
struct LayerXattrs {
    size_t redirects = 0; // objects with overlay.redirect
    size_t metacopies = 0; // objects with overlay.metacopy
    size_t trusted = 0; // objects with trusted.overlay.* names (own level)
    size_t user = 0; // objects with user.overlay.* names (own level)
    std::string firstRedirect, firstMetacopy; // a relative path for the message
    bool truncated = false; // the budget ran out
    bool trustedReadable = true; // trusted.* needs CAP_SYS_ADMIN to be seen
};
LayerXattrs scanLayerXattrs(const std::string &layer, size_t budget);

} // namespace strata::mounts
