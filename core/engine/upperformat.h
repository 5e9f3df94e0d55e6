// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// How this mount writes the kernel's format on its upper filesystem. Uppers the
// kernel refuses (a FUSE filesystem, virtiofs, a kernel overlay) can still hold the
// format in some form: an overlay upper refuses 0/0 devices (dir.c ovl_mknod) and
// RENAME_WHITEOUT (ovl_rename takes only NOREPLACE and EXCHANGE), but stores xattr
// whiteouts, and passes overlay xattrs through escaped (xattrs.c: trusted.overlay.X
// set through an overlay lands as trusted.overlay.overlay.X on its upper). So the
// upper is probed once at mount, in work/, by the probe the doctor runs
// (mounts::probeUpperFeaturesAt, mounts::chooseUpperFormat), and the engine writes:
//   - 0/0 whiteouts where the upper can make them, else xattr whiteouts (a zero-size
//     file with overlay.whiteout) in a directory marked opaque=x, with the upper
//     root marked opaque=x too (ovl::upperKeepsXWhiteouts), so readdir hides them;
//   - renames that need a whiteout at the old name, without RENAME_WHITEOUT, as
//     staged steps, each undone when a later one fails (ops_rename.cpp).
// Where neither whiteout form nor the overlay xattrs can be stored, the mount is
// refused naming the missing feature.

#include "fs.h"

#include <string>

namespace strata::engine {

// Probes the upper through layers.work and decides the format; marks the upper root
// when it will keep xattr whiteouts. Fails (EOPNOTSUPP) naming what is missing.
Result<void> chooseFormatAtMount(const Config &c, Layers &l);

// Does the upper directory `dirfd` keep xattr whiteouts that readdir must hide? Only
// where the upper root says the upper keeps them and the directory is marked.
bool upperDirKeepsXWhiteouts(const Fs &f, int dirfd);

// A whiteout of the mount's form at work/`tmp`.
Result<void> makeUpperWhiteout(Fs &f, const std::string &tmp);

// Before an xattr whiteout goes into the upper directory `dirfd`: marks it opaque=x
// (unless it carries a marker already). True when this call set it, so a failed
// operation can take it off again (clearXWhiteoutsMark). Nothing with 0/0 whiteouts.
Result<bool> markXWhiteoutsDir(Fs &f, int dirfd);
void clearXWhiteoutsMark(Fs &f, int dirfd);

// renameat2(RENAME_NOREPLACE), or where the upper refuses the flag (fuse2fs: every
// flag is EINVAL) a check that the new name is free, then a plain rename: the engine
// holds the tree lock for every change of the upper it makes. 0 or an errno.
int renameNoReplace(const Fs &f, int olddir, const std::string &oldname, int newdir, const std::string &newname);

// Puts work/`tmp` at dirfd/name. An object of the other kind already there (a
// directory replaced by a whiteout, a whiteout by a directory) is exchanged out
// where the upper has RENAME_EXCHANGE, else first moved into work/ (and moved back
// when the second rename fails); it ends in work/ under `displaced` for the caller
// to remove. A non-directory over a non-directory is one rename; nothing there: a
// RENAME_NOREPLACE rename.
Result<void> placeFromWork(Fs &f, const std::string &tmp, int dirfd, const std::string &name, std::string &displaced);

} // namespace strata::engine
