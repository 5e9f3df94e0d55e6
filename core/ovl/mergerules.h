// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The kernel's merge rules, once: what overlayfs decides per name and per directory
// (fs/overlayfs/namei.c, readdir.c, util.c, inode.c), as pure functions over plain
// facts a caller has already read from the layers. No I/O here. The inspector
// (core/stack: Lookup, EntryBuilder) and strata-fuse (core/engine: resolve.cpp)
// both call these, so the two can no longer disagree on a rule; each function
// names the kernel function it mirrors. tests/ovl/test_mergerules checks them
// against a table recorded from real kernel mounts (tests/ovl/mergerules.table).

#include "values.h"

#include <cstddef>
#include <optional>
#include <sys/stat.h>

namespace strata::ovl {

// Where a layer sits for the lookup of one name. `LastLower` is the kernel's
// d->last: the layer whose directory markers (opaque, redirect) are never read.
enum class LayerRole : uint8_t { Upper, Lower, LastLower };

// namei.c ovl_lookup(): d.last for a lower layer. Without redirect_dir=on/follow the
// last entry of the parent's lower stack; with it, the last regular lower layer
// once a directory was found or when there are no data-only layers (a metacopy
// file on the last lower layer then still reads its redirect into them); otherwise
// what it was for the layer before (`wasLast`).
bool isLastLookupLayer(bool redirectFollow, bool foundDir, bool hasDataLayers, bool lastInParentStack,
                       bool lastRegularLower, bool wasLast);

// One layer's object under the name, as far as the rules need it. The xattr facts
// are only needed when the matching needs*() function says so.
struct LayerObject {
    mode_t mode = 0; // st_mode
    dev_t rdev = 0;
    off_t size = 0;
    bool whiteoutXattr = false; // overlay.whiteout present: needsWhiteoutXattr()
    bool metacopy = false; // overlay.metacopy present: needsMetacopy()
    std::optional<Opaque> opaque; // overlay.opaque: needsOpaque()

    static LayerObject fromStat(const struct stat &st)
    {
        LayerObject o;
        o.mode = st.st_mode;
        o.rdev = st.st_rdev;
        o.size = st.st_size;
        return o;
    }
};

// util.c ovl_is_whiteout(): a 0/0 character device (shared whiteouts, nlink > 1,
// included).
bool isChardevWhiteout(mode_t mode, dev_t rdev);
// util.c ovl_path_check_xwhiteout_xattr(): only a zero-size regular file can be an
// xattr whiteout, so only then is overlay.whiteout worth reading.
bool needsWhiteoutXattr(mode_t mode, off_t size);
// util.c ovl_path_is_whiteout(), as namei.c ovl_lookup_single() uses it: a 0/0
// device, or a zero-size regular file carrying overlay.whiteout, in ANY layer
// (upper, middle or last lower), whatever the parent's opaque value. Observed on
// 6.18: such a name fails stat() with ENOENT wherever it sits.
bool lookupSeesWhiteout(const LayerObject &o);

// The kernel's struct ovl_lookup_data, the part the rules read and write.
struct LookupState {
    bool isDir = false; // d->is_dir: a directory was found
    bool metacopy = false; // d->metacopy: the object found is metadata only, its data below
    bool stop = false; // d->stop: no layer below is looked at
    bool opaque = false; // d->opaque: the name is hidden below (whiteout, opaque=y)
    bool last = false; // d->last for the layer being looked at (isLastLookupLayer)
    bool absoluteRedirect = false; // d->absolute_redirect: the last redirect checked was absolute
};

// What one layer's object means for the lookup (namei.c ovl_lookup_single()).
struct LookupStep {
    enum class Kind : uint8_t {
        Whiteout, // the name is deleted here (and below)
        Ignored, // not part of the result (a non-dir below a dir, a non-file below a metacopy)
        Object, // taken: the top object, a merged dir, or a metacopy's data
    } kind = Kind::Ignored;
    bool checkRedirect = false; // ovl_check_redirect() applies: read its redirect
    bool xwhiteouts = false; // a lower dir with opaque=x: readdir honours its xattr whiteouts
};

// Which facts ovl_lookup_single() reads for this object (each is an xattr read).
bool needsMetacopy(const LookupState &d, mode_t mode, bool lastElement);
bool needsOpaque(const LookupState &d, mode_t mode);
// `role`: Upper for the upper layer, else Lower (d.last says whether it is the
// last). `lastElement`: the leaf of the path looked up (an absolute redirect walks
// its components one at a time).
LookupStep lookupStep(LookupState &d, bool isUpper, bool lastElement, const LayerObject &o);

// namei.c ovl_check_redirect(), its effect on the lookup state; the rewritten path
// is the caller's. Called for every object whose redirect lookupStep() says to
// check (checkRedirect, path elements of an absolute redirect included), with
// what was read (`hasRedirect`: a redirect is present). d->absolute_redirect is
// reset at every call, so a metacopy file below an absolute redirect without one
// of its own no longer counts as redirected into the data-only layers; an
// absolute redirect goes on below an opaque path element above it (d->stop).
void checkRedirect(LookupState &d, bool hasRedirect, bool absolute);

// namei.c ovl_lookup_single(): "overlay.opaque=x means xwhiteouts directory" for a
// directory on a lower layer that is not d->last; the upper's and the last lower's
// marker count for nothing. The root's lower dirs: super.c ovl_get_root() "Look for
// xwhiteouts marker except in the lowermost layer".
bool isXWhiteoutsDir(LayerRole role, std::optional<Opaque> opaque);

// Strata's own, for uppers that cannot hold 0/0 devices (an overlay, some FUSE
// servers: engine/upperformat.h): strata-fuse keeps xattr whiteouts there and marks
// the upper root opaque=x, and every upper directory holding them opaque=x. In such
// an upper (`upperKeepsXWhiteouts`: its root's marker) a directory marked opaque=x
// hides its xattr whiteouts from readdir as a lower's xwhiteouts dir does. The
// kernel reads neither marker on an upper (namei.c ovl_lookup_single: !is_upper)
// and lists those names, whose lookup fails; it refuses such uppers anyway. As a
// lower layer later, the markers are exactly what the kernel reads.
bool upperKeepsXWhiteouts(std::optional<Opaque> upperRootOpaque);
bool isUpperXWhiteoutsDir(bool upperKeepsXWhiteouts, std::optional<Opaque> opaque);

// readdir.c ovl_dir_read_merged(): "in_xwhiteouts_dir = layer->has_xwhiteouts &&
// ovl_dentry_has_xwhiteouts(dentry)". A merged dir that counts opaque=x in some
// layer has its xattr whiteouts checked in every layer where a lookup met an
// opaque=x dir since the mount (ovl_layer_set_xwhiteouts: a per-layer flag), not
// only in the layers where this dir is marked: so readdir's answer depends on what
// was looked up before. The root's lower dirs set the flag at mount (ovl_get_root).
bool inXWhiteoutsDir(bool layerHasXWhiteouts, bool dirHasXWhiteouts);

// inode.c ovl_get_inode(), "Check for non-merge dir that may have whiteouts": a
// directory merged from several layers, one whose real dir carries overlay.origin,
// and the root (super.c ovl_get_root) get OVL_WHITEOUTS; readdir of any other
// directory is its real directory's (readdir.c ovl_dir_is_real), whiteouts listed.
bool readdirFiltersWhiteouts(size_t layersSpanned, bool realDirHasOrigin, bool isRoot);

// readdir.c ovl_calc_d_ino() + ovl_cache_update(): in a merged listing of an
// impure directory, an entry of the upper gets its d_ino from a lookup through the
// overlay when the layers share one st_dev (ovl_same_dev; xino, which strata-fuse
// does not offer, would do it for every entry), and an entry that lookup does not
// find is dropped ("Mark a stale entry"). So an xattr whiteout in the upper is
// listed until its directory turns impure (a copy-up into it, a merged subdir's
// origin fixed at lookup), then no more. Observed on 6.18.
bool readdirLooksUp(bool entryInUpper, bool mergedListing, bool dirImpure, bool sameDev);

// readdir.c ovl_dir_read_merged/ovl_iterate: whether a merged listing drops the
// name whose top-most version is `o` (read in a layer dir with `xwhiteoutsDir`).
// A 0/0 device always (ovl_check_whiteouts); an xattr whiteout in an xwhiteouts
// dir (the deferred check_xwhiteout lookup) or where the listing looks the entry
// up (`looksUp`: readdirLooksUp). Elsewhere the name is listed and its lookup fails
// with ENOENT.
bool readdirHides(bool filtersWhiteouts, bool xwhiteoutsDir, bool looksUp, const LayerObject &o);
// Whether readdirHides() needs overlay.whiteout of the top version.
bool readdirNeedsWhiteoutXattr(bool filtersWhiteouts, bool xwhiteoutsDir, bool looksUp, mode_t mode, off_t size);

// readdir.c ovl_calc_d_ino()/ovl_cache_update(): an entry of the upper dir in an
// impure or merged directory reports the inode number its copy-up origin records,
// as stat() does; every other entry its real d_ino.
bool readdirInoFromOrigin(bool entryInUpper, bool dirMerged, bool dirImpure);
// readdir.c ovl_cache_update(): the d_ino listed for an entry whose real d_ino is
// `realIno` and whose overlay.origin records `originIno` (nullopt: none, or a
// handle that names no inode number; only read when readdirInoFromOrigin()).
ino_t readdirIno(bool entryInUpper, bool dirMerged, bool dirImpure, ino_t realIno, std::optional<ino_t> originIno);

// namei.c ovl_lookup(): "if (upperdentry && !d.is_dir) ovl_check_origin()": an
// upper non-directory's overlay.origin is decoded into its lower (its copy-up
// source, wherever that is now); a directory's lower is only what its lookup
// found by name or redirect, and its origin names nothing. That lower keys the
// union object (inode.c ovl_hash_bylower) and gives its st_ino (ovl_getattr);
// with none, the upper does. So an upper dir whose origin names a lower dir since
// renamed or exchanged in its layer is its own object, with its upper's st_ino,
// and the lower dir under its new name is another (observed on 6.18).
bool originIsLower(bool isDir);

// namei.c ovl_lookup(), the end: where a metacopy file's data lies.
enum class MetacopyData : uint8_t {
    Resolved, // not metacopy, or its data was found in a lower layer below
    DataOnlyLayers, // to be looked up in the data-only layers (ovl_lookup_data_layers)
    Refused, // metacopy=off: "refusing to follow metacopy origin" (EPERM)
    Missing, // metadata only and no data anywhere (EIO)
};
struct MetacopyFacts {
    bool pending = false; // d.metacopy at the end: a metacopy file still waits for its data
    bool followed = false; // a metacopy file was followed into the layers below (d.nextmetacopy)
    bool lowerMetacopy = false; // the top-most lower object found is metadata only
    bool absoluteRedirect = false; // the last redirect read was absolute (d.absolute_redirect)
    bool hasDataLayers = false; // the stack has data-only layers ("::")
    bool metacopyOn = false; // metacopy=on
};
MetacopyData metacopyData(const MetacopyFacts &m);
// ovl_lookup(): "refusing to follow metacopy origin": looking at a layer below a
// metacopy file needs metacopy=on.
bool mayFollowMetacopy(bool followedMetacopy, bool metacopyOn);

} // namespace strata::ovl
