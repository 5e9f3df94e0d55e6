// SPDX-License-Identifier: GPL-2.0-or-later
#include "reportrows.h"

#include "guitext.h"
#include "layercolors.h"
#include "optionmeaning.h"
#include "stack/factformat.h"

#include <QCoreApplication>
#include <QLocale>

namespace strata::gui::rows {

static QString tr(const char *s)
{
    return QCoreApplication::translate("strata::gui::rows", s);
}

static QString u8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QStringList whiteoutHeaders()
{
    return {tr("Path"), tr("Layer"), tr("Kind"), tr("Status"), tr("Hides")};
}

QList<TableRow> whiteouts(const stack::LayerStack &stack, const stack::WhiteoutReport &report)
{
    QList<TableRow> out;
    const bool upper = stack.hasUpper();
    auto label = [upper](int layer) { return layerLabel(layer, upper && layer == 0); };
    for (const stack::WhiteoutInfo &w : report.whiteouts) {
        QString kind = w.xattr ? tr("xattr whiteout") : tr("0/0 device");
        if (w.shared())
            kind += tr(", shared inode (%1 links)").arg(w.nlink);
        QStringList hides;
        for (const auto &h : w.hides)
            hides << QStringLiteral("%1 %2").arg(label(h.layer), u8(stack::fileTypeName(h.type)));
        TableRow row;
        row.cells = {pathText(w.path), label(w.layer), kind,
                     w.inEffect() ? tr("deletes") : tr("covered by %1").arg(label(w.coveredBy)),
                     hides.isEmpty() ? tr("nothing (redundant)") : hides.join(QStringLiteral(", "))};
        row.sortKeys = {QVariant(), w.layer};
        row.layer = w.layer;
        row.toolTip = displayText(w.layerPath);
        row.payload = QByteArray::fromStdString(w.path);
        out.append(row);
    }
    return out;
}

QStringList indexHeaders()
{
    return {tr("Name"), tr("Kind"), tr("Status"), tr("Links"), tr("Origin in"), tr("Detail")};
}

QList<TableRow> indexEntries(const stack::LayerStack &stack, const stack::IndexReport &report)
{
    QList<TableRow> out;
    for (const auto &e : report.entries) {
        TableRow row;
        QString links = QString::number(e.st.st_nlink);
        if (e.unionNlink)
            links += tr(" (union %1)").arg(*e.unionNlink);
        QString origin;
        if (e.lowerLayer >= 0) {
            const auto &l = stack.layers()[size_t(e.lowerLayer)];
            origin = QStringLiteral("%1 %2").arg(layerLabel(e.lowerLayer, l.role == stack::Role::Upper),
                                                 pathText(e.lowerPath));
            row.layer = e.lowerLayer;
        }
        row.cells = {displayText(e.name),
                     u8(stack::indexKindName(e.kind)),
                     u8(stack::indexStatusName(e.status)),
                     links,
                     origin,
                     QString::fromStdString(e.detail)};
        if (e.status == stack::IndexEntry::Status::Stale || e.status == stack::IndexEntry::Status::Invalid)
            row.foreground = deletedColor();
        out.append(row);
    }
    return out;
}

QStringList optionHeaders()
{
    return {tr("Option"), tr("Value"), tr("Meaning"), tr("Layer identity")};
}

static TableRow textRow(QStringList cells)
{
    TableRow row;
    row.cells = std::move(cells);
    return row;
}

static QString identity(const stack::Layer &l)
{
    return QString::fromStdString(stack::formatFsIdentity(l.fs));
}

QList<TableRow> options(const stack::LayerStack &stack)
{
    const std::optional<mounts::MountEntry> &mount = stack.mount();
    QList<TableRow> out;
    const bool upper = stack.hasUpper();
    for (const auto &l : stack.layers()) {
        TableRow row;
        const char *key = l.role == stack::Role::Upper ? "upperdir"
            : l.role == stack::Role::Lower             ? "lowerdir+"
                                                       : "datadir+";
        row.cells
            = {QString::fromLatin1(key), displayText(l.path), overlayOptionMeaning(key, std::nullopt), identity(l)};
        row.layer = l.index;
        row.toolTip = layerLabel(l.index, upper && l.index == 0);
        out.append(row);
    }
    if (stack.workdir())
        out.append(textRow({QStringLiteral("workdir"),
                            displayText(*stack.workdir()),
                            overlayOptionMeaning("workdir", std::nullopt),
                            {}}));

    std::vector<std::pair<std::string, std::optional<std::string>>> others;
    if (mount) {
        if (auto parsed = mounts::parseOverlayOptions(mount->fsOptions)) {
            for (const auto &o : parsed->others)
                others.emplace_back(o.key, o.value);
        } else {
            out.append(
                textRow({tr("(mountinfo)"), QString::fromStdString(mount->fsOptions), errorText(parsed.error()), {}}));
        }
        for (const auto &[k, v] : std::vector<std::pair<std::string, std::optional<std::string>>> {
                 {"source", mount->source}, {"fstype", mount->fstype}, {"vfs options", mount->vfsOptions}})
            out.append(textRow({QString::fromStdString(k), displayText(v.value_or("")), tr("from mountinfo"), {}}));
    } else {
        others = stack.spec().options;
    }
    for (const auto &[k, v] : others)
        out.append(
            textRow({QString::fromStdString(k), v ? displayText(*v) : QString(), overlayOptionMeaning(k, v), {}}));
    return out;
}

QStringList summaryLayerHeaders()
{
    return {tr("Layer"),  tr("Bytes"),     tr("Files"),    tr("Dirs"),     tr("Whiteouts"),
            tr("Opaque"), tr("Redirects"), tr("Metacopy"), tr("Copied up")};
}

QList<TableRow> summaryLayers(const stack::StackSummary &s)
{
    QList<TableRow> out;
    for (const auto &l : s.layers) {
        TableRow row;
        auto n = [&](uint64_t v) { return l.xattrsRead ? QLocale().toString(qulonglong(v)) : tr("unknown"); };
        row.cells
            = {QStringLiteral("%1 %2").arg(layerLabel(l.layer, l.role == stack::Role::Upper), displayText(l.path)),
               sizeText(l.bytes),
               QLocale().toString(qulonglong(l.files)),
               QLocale().toString(qulonglong(l.dirs)),
               n(l.whiteouts),
               n(l.opaqueDirs),
               n(l.redirects),
               n(l.metacopy),
               n(l.copiedUp)};
        row.sortKeys = {l.layer, qulonglong(l.bytes), qulonglong(l.files), qulonglong(l.dirs)};
        row.layer = l.layer;
        QStringList problems;
        for (const Error &e : l.problems)
            problems << errorText(e);
        row.toolTip = problems.join(QLatin1Char('\n'));
        out.append(row);
    }
    return out;
}

QStringList wastedHeaders()
{
    return {tr("Path"), tr("Layer"), tr("Wasted"), tr("Why")};
}

QList<TableRow> wastedPaths(const stack::StackSummary &s)
{
    QList<TableRow> out;
    for (const auto &w : s.topWasted) {
        TableRow row;
        row.cells = {pathText(w.path), layerLabel(w.layer, false), sizeText(w.bytes), QString::fromStdString(w.why)};
        row.sortKeys = {QVariant(), w.layer, qulonglong(w.bytes)};
        row.layer = w.layer;
        row.payload = QByteArray::fromStdString(w.path);
        out.append(row);
    }
    return out;
}

QStringList preflightHeaders()
{
    return {tr("Layer"), tr("Kernel overlayfs"), tr("strata-fuse")};
}

static QString roleName(mounts::LayerRole r, size_t index)
{
    switch (r) {
    case mounts::LayerRole::Stack:
        return tr("stack");
    case mounts::LayerRole::Lower:
        return tr("lower %1").arg(index);
    case mounts::LayerRole::Data:
        return tr("data %1").arg(index);
    case mounts::LayerRole::Upper:
        return tr("upper");
    case mounts::LayerRole::Work:
        return tr("work");
    }
    return {};
}

QString fuseVerdict(const mounts::LayerFinding &f)
{
    if (f.severity != mounts::Severity::Error)
        return tr("same");
    if (f.engineAccepts)
        return tr("accepted: strata-fuse takes remote, FUSE and overlay uppers");
    return tr("refused as well");
}

QList<TableRow> preflight(const std::vector<mounts::LayerFinding> &findings)
{
    QList<TableRow> out;
    for (const auto &f : findings) {
        TableRow row;
        const QString sev = f.severity == mounts::Severity::Error ? tr("refuses")
            : f.severity == mounts::Severity::Warning             ? tr("warns")
                                                                  : tr("note");
        row.cells = {roleName(f.role, f.index), QStringLiteral("%1: %2").arg(sev, QString::fromStdString(f.reason)),
                     fuseVerdict(f)};
        row.toolTip = QString::fromStdString(f.describe());
        if (f.severity == mounts::Severity::Error)
            row.foreground = deletedColor();
        else if (f.severity == mounts::Severity::Warning)
            row.foreground = modifiedColor();
        out.append(row);
    }
    return out;
}

QStringList mountHeaders()
{
    return {tr("Mount point"), tr("Type"), tr("Source"), tr("ID")};
}

QList<TableRow> mounts(const std::vector<mounts::MountEntry> &entries)
{
    QList<TableRow> out;
    for (const auto &m : entries) {
        TableRow row;
        row.cells
            = {displayText(m.target), QString::fromStdString(m.fstype), displayText(m.source), QString::number(m.id)};
        row.sortKeys = {QVariant(), QVariant(), QVariant(), m.id};
        row.payload = QByteArray::fromStdString(m.target);
        out.append(row);
    }
    return out;
}

} // namespace strata::gui::rows
