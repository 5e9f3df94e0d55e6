// SPDX-License-Identifier: GPL-2.0-or-later
// LayerStack from a mount point and from a TARGET argument: what stratactl and the
// GUI accept.
#include "layerstack.h"

#include "capturespec.h"
#include "mounts/capture.h"
#include "mounts/mounttable.h"
#include "mounts/overlayoptions.h"

#include <cerrno>
#include <sys/stat.h>

namespace strata::stack {

Result<std::shared_ptr<const LayerStack>> LayerStack::fromMount(const std::string &mountpoint)
{
    auto mount = mounts::findMount(mountpoint);
    if (!mount)
        return fail(mount.error());
    if (mount->fstype == "fuse.strata-fuse") {
        // Its layers are on its daemon's command line (and in its fds): captured
        // as `stratactl capture` does, then opened as a one-mount capture.
        auto table = mounts::readMountTable();
        if (!table)
            return fail(table.error());
        auto captured = mounts::captureMount(*mount, *table);
        if (!captured)
            return fail(captured.error());
        mounts::Capture capture;
        capture.mounts.push_back(std::move(*captured));
        auto spec = specFromCapture(capture, mountpoint);
        if (!spec)
            return fail(spec.error());
        spec->sourceKind = "mount";
        auto built = build(std::move(*spec));
        if (!built)
            return fail(built.error());
        (*built)->m_mount = std::move(*mount);
        return std::shared_ptr<const LayerStack>(std::move(*built));
    }
    if (mount->fstype != "overlay") {
        if (mounts::isUnionFsType(mount->fstype))
            return fail(makeError(mountpoint,
                                  mount->fstype
                                      + " mount: its layers are not published in the mount "
                                        "table; open its layer directories or stack file instead",
                                  EOPNOTSUPP));
        return fail(makeError(mountpoint, "not an overlay mount (it is " + mount->fstype + ")", EINVAL));
    }
    auto opts = mounts::parseOverlayOptions(mount->fsOptions);
    if (!opts)
        return fail(makeError(mountpoint, "cannot read its overlay options: " + opts.error().reason, EINVAL));

    StackSpec spec;
    spec.lower = opts->lowers;
    spec.data = opts->dataLayers;
    spec.upper = opts->upper;
    spec.work = opts->work;
    for (const auto &o : opts->others)
        spec.options.emplace_back(o.key, o.value);
    spec.xattrNamespace = opts->has("userxattr") ? ovl::Namespace::User : ovl::Namespace::Trusted;
    spec.sourceKind = "mount";
    spec.mountpoint = mount->target;
    spec.fstype = mount->fstype;

    // mountinfo shows layer paths as the mounter gave them: relative ones (Docker
    // chdirs and passes l/<id> to stay under a page) cannot be resolved from here.
    auto checkPath = [&](const std::string &p, const std::string &what) -> Result<void> {
        if (!p.empty() && p.front() != '/')
            return fail(makeError(mountpoint,
                                  what + " '" + p
                                      + "' is a relative path in the mount options (the mounter "
                                        "changed directory first, as Docker does): open the layer "
                                        "directories explicitly",
                                  EINVAL));
        return {};
    };
    for (const auto &l : spec.lower)
        if (auto r = checkPath(l, "lower layer"); !r)
            return fail(r.error());
    for (const auto &l : spec.data)
        if (auto r = checkPath(l, "data-only layer"); !r)
            return fail(r.error());
    if (spec.upper)
        if (auto r = checkPath(*spec.upper, "upper layer"); !r)
            return fail(r.error());

    auto built = build(std::move(spec));
    if (!built)
        return fail(built.error());
    (*built)->m_mount = std::move(*mount);
    return std::shared_ptr<const LayerStack>(std::move(*built));
}

Result<std::shared_ptr<const LayerStack>> LayerStack::open(const std::string &target)
{
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0)
        return fail(sysError(errno, target, "cannot open"));
    if (S_ISREG(st.st_mode))
        return fromStackFile(target);
    if (!S_ISDIR(st.st_mode))
        return fail(makeError(target, "neither a mount point nor a stack file", EINVAL));
    auto mount = mounts::findMount(target);
    if (!mount)
        return fail(makeError(target,
                              "not a mount point; give a mounted overlay, a stack file, or the layers "
                              "with --lower/--upper",
                              EINVAL));
    return fromMount(target);
}

} // namespace strata::stack
