// SPDX-License-Identifier: GPL-2.0-or-later
#include "identitytext.h"

#include "guitext.h"

#include <QCoreApplication>

namespace strata::gui {

namespace {

// Translation context for the texts below (lupdate reads IdentityText::tr).
struct IdentityText {
    Q_DECLARE_TR_FUNCTIONS(IdentityText)
};

QString uuidText(const stack::Uuid &u)
{
    return QString::fromStdString(stack::uuidString(u));
}

} // namespace

QString identityHeadline(const stack::IdentityVerdict &v)
{
    if (v.state != stack::IdentityState::Drifted)
        return {};
    if (v.recordedUuid && v.currentUuid)
        return IdentityText::tr(
                   "The filesystem UUID changed (%1 recorded, %2 now): an index=on mount of this stack fails.")
            .arg(uuidText(*v.recordedUuid), uuidText(*v.currentUuid));
    return IdentityText::tr("A filesystem UUID the stack recorded is not its filesystem's any more.");
}

QString wayOutText(const stack::WayOut &w)
{
    switch (w.kind) {
    case stack::WayOut::Kind::IndexOff:
        return IdentityText::tr(
            "Mount with index=off: works at once and changes nothing on disk; copied-up files lose their "
            "lower inode numbers and hard links broken by copy-up stay broken.");
    case stack::WayOut::Kind::UuidOff:
        return w.applicable
            ? IdentityText::tr("Mount with uuid=off: this stack was created with it, so the UUID is not compared.")
            : IdentityText::tr("uuid=off does not help: it only accepts stacks created with it from the first mount.");
    case stack::WayOut::Kind::Restamp:
        return w.applicable
            ? IdentityText::tr("Restamp: rewrite the new UUID into every origin and index entry, offline and "
                               "journaled; index=on then mounts as before.")
            : IdentityText::tr("Restamp is not possible: more than the UUID differs (a layer was replaced).");
    case stack::WayOut::Kind::DeleteIndex:
        return IdentityText::tr(
            "Delete workdir/index and the upper root's origin: the next index=on mount starts a new index; "
            "the old hard-link and inode records are lost.");
    }
    return {};
}

QString identityDetails(const stack::IdentityVerdict &v)
{
    if (v.state != stack::IdentityState::Drifted)
        return {};
    QStringList lines {identityHeadline(v)};
    for (const auto &f : v.findings)
        lines << QStringLiteral("• %1: %2").arg(displayText(f.subject), QString::fromStdString(f.what));
    switch (v.outcome) {
    case stack::IdentityVerdict::Outcome::RootOriginEstale:
        lines << IdentityText::tr(
            "The kernel: the mount fails with ESTALE (Stale file handle); dmesg says \"overlayfs: failed to "
            "verify upper root origin\".");
        break;
    case stack::IdentityVerdict::Outcome::IndexBindingEstale:
        lines << IdentityText::tr(
            "The kernel: the mount fails with ESTALE; dmesg says \"overlayfs: failed to verify index dir "
            "'upper' xattr\".");
        break;
    case stack::IdentityVerdict::Outcome::StaleEntriesDeleted:
        lines << IdentityText::tr(
            "The kernel: the mount deletes %n index entries as stale; their hard-link records are lost.", nullptr,
            int(v.staleIndexEntries));
        break;
    case stack::IdentityVerdict::Outcome::Mounts:
        break;
    }
    lines << IdentityText::tr("Ways out:");
    for (const auto &w : v.waysOut)
        lines << QStringLiteral("• ") + wayOutText(w);
    return lines.join(QLatin1Char('\n'));
}

} // namespace strata::gui
