// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctorrows.h"

#include "layercolors.h"

#include <QCoreApplication>

#include <cstring>

namespace strata::gui::rows {

static QString tr(const char *s)
{
    return QCoreApplication::translate("strata::gui::rows", s);
}

static QString u8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

static QString layerOf(const mounts::DoctorFinding &f)
{
    switch (f.role) {
    case mounts::LayerRole::Stack:
        return tr("stack");
    case mounts::LayerRole::Lower:
        return tr("lower %1").arg(f.index + 1);
    case mounts::LayerRole::Data:
        return tr("data %1").arg(f.index + 1);
    case mounts::LayerRole::Upper:
        return tr("upper");
    case mounts::LayerRole::Work:
        return tr("work");
    }
    return {};
}

static QString verdict(bool refuses, mounts::Severity s)
{
    if (refuses)
        return tr("refuses");
    return s == mounts::Severity::Info ? tr("mounts") : tr("mounts, degraded");
}

static void colour(TableRow &row, const mounts::DoctorFinding &f)
{
    if (f.severity == mounts::Severity::Error)
        row.foreground = deletedColor();
    else if (f.severity == mounts::Severity::Warning)
        row.foreground = modifiedColor();
}

QStringList doctorHeaders()
{
    return {tr("Code"), tr("Layer"), tr("Kernel overlayfs"), tr("strata-fuse"), tr("The kernel says"), tr("Fix")};
}

QList<TableRow> doctor(const mounts::Diagnosis &d, const mounts::TryMount &tried)
{
    QList<TableRow> out;
    for (const auto &f : d.findings) {
        TableRow row;
        QString says = u8(f.kernelMessage);
        if (tried.attempted && !f.kernelMessage.empty() && f.atMount)
            says += mounts::kernelSaid(tried.messages, f.kernelMessage) ? tr(" (seen in the try-mount)")
                                                                        : tr(" (not in the try-mount)");
        row.cells = {u8(f.code), layerOf(f), verdict(f.kernelRefuses, f.severity), verdict(f.fuseRefuses, f.severity),
                     says,       u8(f.fix)};
        row.toolTip = u8(f.cause) + (f.layer.empty() ? QString() : QStringLiteral("\n") + u8(f.layer));
        row.payload = u8(f.code);
        colour(row, f);
        out.append(row);
    }
    return out;
}

QList<TableRow> doctorPreflight(const mounts::Diagnosis &d)
{
    QList<TableRow> out;
    for (const auto &f : d.findings) {
        TableRow row;
        const QString sev = f.kernelRefuses           ? tr("refuses")
            : f.severity == mounts::Severity::Warning ? tr("warns")
                                                      : tr("note");
        row.cells = {layerOf(f), QStringLiteral("%1: %2 [%3]").arg(sev, u8(f.cause), u8(f.code)),
                     f.fuseRefuses         ? tr("refused as well")
                         : f.kernelRefuses ? tr("accepted")
                                           : tr("same")};
        row.toolTip = f.kernelMessage.empty() ? u8(f.fix)
                                              : tr("The kernel says: %1\nFix: %2").arg(u8(f.kernelMessage), u8(f.fix));
        colour(row, f);
        out.append(row);
    }
    return out;
}

QString tryMountText(const mounts::TryMount &t)
{
    if (!t.attempted)
        return tr("No try-mount: %1").arg(u8(t.notAttempted));
    QString s = t.mounted ? tr("Try-mount in a private namespace: the kernel mounted it.")
                          : tr("Try-mount in a private namespace: the kernel refused it at %1 (%2).")
                                .arg(u8(t.step), u8(std::strerror(t.err)));
    for (const auto &m : t.messages)
        s += QStringLiteral("\n  ") + u8(m);
    return s;
}

} // namespace strata::gui::rows
