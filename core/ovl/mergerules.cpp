// SPDX-License-Identifier: GPL-2.0-or-later
#include "mergerules.h"

namespace strata::ovl {

bool isLastLookupLayer(bool redirectFollow, bool foundDir, bool hasDataLayers, bool lastInParentStack,
                       bool lastRegularLower, bool wasLast)
{
    if (!redirectFollow)
        return lastInParentStack;
    if (foundDir || !hasDataLayers)
        return lastRegularLower;
    return wasLast;
}

bool isChardevWhiteout(mode_t mode, dev_t rdev)
{
    return S_ISCHR(mode) && rdev == 0;
}

bool needsWhiteoutXattr(mode_t mode, off_t size)
{
    return S_ISREG(mode) && size == 0;
}

bool lookupSeesWhiteout(const LayerObject &o)
{
    return isChardevWhiteout(o.mode, o.rdev) || (needsWhiteoutXattr(o.mode, o.size) && o.whiteoutXattr);
}

bool needsMetacopy(const LookupState &d, mode_t mode, bool lastElement)
{
    // ovl_check_metacopy_xattr() is reached for a non-dir that is the leaf and not
    // below a directory; it answers "no" for anything but a regular file.
    return S_ISREG(mode) && lastElement && !d.isDir;
}

bool needsOpaque(const LookupState &d, mode_t mode)
{
    return S_ISDIR(mode) && !d.last;
}

LookupStep lookupStep(LookupState &d, bool isUpper, bool lastElement, const LayerObject &o)
{
    LookupStep s;
    if (lookupSeesWhiteout(o)) {
        d.stop = d.opaque = true;
        s.kind = LookupStep::Kind::Whiteout;
        return s;
    }
    // "This dentry should be a regular file if previous layer lookup found a
    // metacopy dentry."
    if (lastElement && d.metacopy && !S_ISREG(o.mode)) {
        d.stop = true;
        return s;
    }
    if (!S_ISDIR(o.mode)) {
        if (d.isDir || !lastElement) {
            d.stop = true; // a non-dir below a dir, or in the middle of a path
            return s;
        }
        d.metacopy = S_ISREG(o.mode) && o.metacopy;
        d.stop = !d.metacopy;
        s.kind = LookupStep::Kind::Object;
        s.checkRedirect = d.metacopy && !d.last;
        return s;
    }
    if (lastElement)
        d.isDir = true;
    s.kind = LookupStep::Kind::Object;
    if (d.last)
        return s;
    if (lastElement && !isUpper && o.opaque == Opaque::XWhiteouts) {
        s.xwhiteouts = true;
    } else if (o.opaque == Opaque::Yes) {
        d.stop = true;
        if (lastElement)
            d.opaque = true;
        return s;
    }
    s.checkRedirect = true;
    return s;
}

void checkRedirect(LookupState &d, bool hasRedirect, bool absolute)
{
    d.absoluteRedirect = hasRedirect && absolute;
    if (d.absoluteRedirect)
        d.stop = false;
}

bool isXWhiteoutsDir(LayerRole role, std::optional<Opaque> opaque)
{
    return role == LayerRole::Lower && opaque == Opaque::XWhiteouts;
}

bool upperKeepsXWhiteouts(std::optional<Opaque> upperRootOpaque)
{
    return upperRootOpaque == Opaque::XWhiteouts;
}

bool isUpperXWhiteoutsDir(bool upperKeepsXWhiteouts, std::optional<Opaque> opaque)
{
    return upperKeepsXWhiteouts && opaque == Opaque::XWhiteouts;
}

bool inXWhiteoutsDir(bool layerHasXWhiteouts, bool dirHasXWhiteouts)
{
    return layerHasXWhiteouts && dirHasXWhiteouts;
}

bool readdirFiltersWhiteouts(size_t layersSpanned, bool realDirHasOrigin, bool isRoot)
{
    return layersSpanned > 1 || realDirHasOrigin || isRoot;
}

bool readdirLooksUp(bool entryInUpper, bool mergedListing, bool dirImpure, bool sameDev)
{
    return entryInUpper && mergedListing && dirImpure && sameDev;
}

bool readdirNeedsWhiteoutXattr(bool filtersWhiteouts, bool xwhiteoutsDir, bool looksUp, mode_t mode, off_t size)
{
    return filtersWhiteouts && (xwhiteoutsDir || looksUp) && needsWhiteoutXattr(mode, size);
}

bool readdirHides(bool filtersWhiteouts, bool xwhiteoutsDir, bool looksUp, const LayerObject &o)
{
    if (!filtersWhiteouts)
        return false;
    if (isChardevWhiteout(o.mode, o.rdev))
        return true;
    return readdirNeedsWhiteoutXattr(filtersWhiteouts, xwhiteoutsDir, looksUp, o.mode, o.size) && o.whiteoutXattr;
}

bool readdirInoFromOrigin(bool entryInUpper, bool dirMerged, bool dirImpure)
{
    return entryInUpper && (dirMerged || dirImpure);
}

ino_t readdirIno(bool entryInUpper, bool dirMerged, bool dirImpure, ino_t realIno, std::optional<ino_t> originIno)
{
    return readdirInoFromOrigin(entryInUpper, dirMerged, dirImpure) && originIno ? *originIno : realIno;
}

bool originIsLower(bool isDir)
{
    return !isDir;
}

MetacopyData metacopyData(const MetacopyFacts &m)
{
    // The data of a lower metacopy redirected absolutely is in a data-only layer:
    // the kernel defers that lookup to the first open and needs no metacopy=on.
    if (m.pending && m.lowerMetacopy && m.hasDataLayers && m.absoluteRedirect)
        return MetacopyData::DataOnlyLayers;
    if (m.followed && !m.metacopyOn)
        return MetacopyData::Refused;
    if (m.pending)
        return MetacopyData::Missing;
    return MetacopyData::Resolved;
}

bool mayFollowMetacopy(bool followedMetacopy, bool metacopyOn)
{
    return !followedMetacopy || metacopyOn;
}

} // namespace strata::ovl
