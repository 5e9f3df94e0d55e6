// SPDX-License-Identifier: GPL-2.0-or-later
#include "optionmeaning.h"

#include <QCoreApplication>

namespace strata::gui {

// lupdate files these strings under the namespace's context ("strata::gui").
static QString tr(const char *s)
{
    return QCoreApplication::translate("strata::gui", s);
}

QString overlayOptionMeaning(const std::string &key, const std::optional<std::string> &value)
{
    const std::string v = value.value_or("");
    if (key == "rw")
        return tr("mounted read-write: changes go to the upper layer");
    if (key == "ro")
        return tr("mounted read-only");
    if (key == "lowerdir" || key == "lowerdir+")
        return tr("a read-only lower layer (top first)");
    if (key == "datadir+")
        return tr("a data-only layer: reached only through metacopy redirects");
    if (key == "upperdir")
        return tr("the writable upper layer");
    if (key == "workdir")
        return tr("staging area for atomic copy-up; same filesystem as the upper");
    if (key == "redirect_dir") {
        if (v == "on")
            return tr("renaming a merged dir writes a redirect; redirects are followed");
        if (v == "follow")
            return tr("redirects are followed but never created (rename of merged dirs: EXDEV)");
        if (v == "nofollow")
            return tr("redirects are not followed; a lookup meeting one fails");
        if (v == "off")
            return tr("no redirects: renaming a merged dir fails with EXDEV");
        return tr("redirect handling for renamed directories");
    }
    if (key == "index")
        return v == "on" ? tr("copied-up files are indexed by origin handle (keeps hard links whole)")
                         : tr("no inode index: hard links may break on copy-up");
    if (key == "uuid")
        return tr("how lower fs uuids are recorded in file handles (on/auto/null/off)");
    if (key == "nfs_export")
        return v == "on" ? tr("overlay file handles can be exported over NFS (implies index)")
                         : tr("no NFS export of overlay file handles");
    if (key == "xino")
        return tr("inode numbers made unique across layers with high bits (on/auto/off)");
    if (key == "metacopy")
        return v == "on" ? tr("metadata-only copy-up: chmod/chown copy up metadata, data stays below")
                         : tr("every copy-up copies data");
    if (key == "volatile")
        return tr("no syncs to the upper: after a crash the upper and work dirs must be discarded");
    if (key == "userxattr")
        return tr("overlay metadata lives in user.overlay.* (unprivileged mounts)");
    if (key == "verity")
        return tr("fs-verity digests of metacopy data are checked (off/on/require)");
    if (key == "default_permissions")
        return tr("the kernel checks permissions from the inode mode (FUSE)");
    if (key == "allow_other")
        return tr("other users may access the mount (FUSE)");
    if (key == "user_id" || key == "group_id")
        return tr("the owner of the FUSE connection");
    if (key == "relatime" || key == "noatime" || key == "nosuid" || key == "nodev" || key == "noexec")
        return tr("per-mount flag");
    return tr("(not an option Strata knows)");
}

} // namespace strata::gui
