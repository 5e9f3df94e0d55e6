// SPDX-License-Identifier: GPL-2.0-or-later
#include "details.h"

#include "guitext.h"
#include "layercolors.h"
#include "ovl/values.h"

#include <QCoreApplication>

namespace strata::gui {

// lupdate files these strings under the namespace's context ("strata::gui"), so the
// lookup must use the same one or the translation is never found.
static QString tr(const char *s)
{
    return QCoreApplication::translate("strata::gui", s);
}

static QString u8(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

static QString layerName(const stack::LayerStack &stack, int layer)
{
    if (layer < 0 || size_t(layer) >= stack.layers().size())
        return tr("(none)");
    const auto &l = stack.layers()[size_t(layer)];
    return QStringLiteral("%1 (%2)").arg(layerLabel(layer, l.role == stack::Role::Upper), displayText(l.path));
}

static void addHandle(QList<DetailLine> &lines, const QString &prefix, const ovl::FileHandle &fh)
{
    QStringList flags;
    if (fh.bigEndian())
        flags << QStringLiteral("big-endian");
    if (fh.anyEndian())
        flags << QStringLiteral("any-endian");
    if (fh.pathUpper())
        flags << QStringLiteral("path-upper");
    lines.append({prefix + tr(" version"), QString::number(fh.version)});
    lines.append({prefix + tr(" flags"), flags.isEmpty() ? QStringLiteral("0") : flags.join(QLatin1Char(' '))});
    lines.append({prefix + tr(" fid type"), QString::fromStdString(fh.fidTypeName())});
    lines.append({prefix + tr(" fs uuid"),
                  fh.nullUuid() ? tr("null (uuid=off or none)") : QString::fromStdString(ovl::formatUuid(fh.uuid)), -1,
                  !fh.nullUuid()});
    lines.append({prefix + tr(" fid"), hexText(fh.fid), -1, true});
    if (auto ig = fh.inoGen())
        lines.append(
            {prefix + tr(" inode / generation"), QStringLiteral("%1 / %2").arg(ig->ino).arg(ig->gen), -1, true});
}

QList<DetailSection> entryDetails(const stack::LayerStack &stack, const std::string &mergedPath,
                                  const stack::MergedEntry &e)
{
    QList<DetailSection> out;
    const auto &a = e.attrs;

    DetailSection entry {tr("Entry"), {}};
    entry.lines.append({tr("Path"), pathText(mergedPath)});
    entry.lines.append({tr("Type"), e.isWhiteout() ? tr("whiteout") : u8(stack::fileTypeName(a.type))});
    entry.lines.append({tr("Layer"), layerName(stack, e.layer), e.layer});
    entry.lines.append({tr("Path in layer"), pathText(e.layerPath)});
    entry.lines.append({tr("State"), e.state ? stateText(e.state) : tr("plain")});
    if (a.type == stack::FileType::Regular)
        entry.lines.append({tr("Size"), QStringLiteral("%1 (%2 bytes)").arg(sizeText(quint64(a.size))).arg(a.size)});
    entry.lines.append({tr("Mode"), QStringLiteral("%1 (%2)").arg(modeText(a.mode), modeOctalText(a.mode))});
    entry.lines.append({tr("Owner"), ownerText(a.uid, a.gid)});
    entry.lines.append({tr("Modified"), timeText(a.mtime), -1, true});
    if (e.protattr)
        entry.lines.append({tr("Protected attributes"),
                            QStringLiteral("%1%2")
                                .arg(e.protattr->append ? QStringLiteral("append-only ") : QString(),
                                     e.protattr->immutable ? QStringLiteral("immutable") : QString())
                                .trimmed()});
    out.append(entry);

    DetailSection inode {tr("Inode"), {}};
    inode.lines.append({tr("Inode"), QString::number(a.ino), -1, true});
    inode.lines.append({tr("Device"), deviceText(a.dev), -1, true});
    inode.lines.append({tr("Links"), QString::number(a.nlink), -1, a.type == stack::FileType::Directory});
    inode.lines.append({tr("Blocks"), QString::number(a.blocks), -1, true});
    if (a.type == stack::FileType::CharDevice || a.type == stack::FileType::BlockDevice)
        inode.lines.append({tr("Device number"), deviceText(a.rdev)});
    if (e.state & stack::StateSharedWhiteout)
        inode.lines.append({tr("Shared whiteout"), tr("hard-linked whiteout inode (nlink > 1)")});
    out.append(inode);

    DetailSection xattrs {tr("Overlay attributes"), {}};
    if (e.redirect) {
        QString target = displayText(*e.redirect);
        if (auto r = ovl::parseRedirect(*e.redirect))
            target += r->absolute ? tr("  (absolute: from the layer roots below)")
                                  : tr("  (relative: renamed in the parent)");
        xattrs.lines.append({tr("Redirect"), target});
    }
    if (e.origin) {
        const auto &o = *e.origin;
        xattrs.lines.append({tr("Origin"), u8(stack::originStatusName(o.status))});
        if (o.handle)
            addHandle(xattrs.lines, tr("Origin handle"), *o.handle);
        if (o.layer >= 0)
            xattrs.lines.append({tr("Copied up from"),
                                 QStringLiteral("%1 %2").arg(layerName(stack, o.layer), pathText(o.path)), o.layer});
        if (!o.detail.empty())
            xattrs.lines.append({tr("Origin detail"), QString::fromStdString(o.detail)});
    }
    if (e.data) {
        const auto &d = *e.data;
        if (d.metacopy) {
            const auto &m = *d.metacopy;
            xattrs.lines.append(
                {tr("Metacopy"),
                 m.legacy ? tr("metadata only (no digest)") : tr("version %1, flags %2").arg(m.version).arg(m.flags)});
            if (!m.legacy) {
                xattrs.lines.append({tr("Digest algorithm"), u8(m.digestAlgoName())});
                xattrs.lines.append({tr("Digest"), hexText(m.digest)});
            }
        }
        xattrs.lines.append({tr("Data in"),
                             d.layer >= 0 ? QStringLiteral("%1 %2").arg(layerName(stack, d.layer), pathText(d.path))
                                          : tr("not found: reads would fail"),
                             d.layer});
    }
    if (!stack.canReadOverlayXattrs())
        xattrs.lines.append(
            {tr("Note"), tr("overlay xattrs are unreadable by this process (trusted.* needs CAP_SYS_ADMIN)")});
    if (!xattrs.lines.isEmpty())
        out.append(xattrs);

    if (!e.dirLayers.empty()) {
        DetailSection dirs {tr("Merged from"), {}};
        for (int l : e.dirLayers)
            dirs.lines.append({layerLabel(l, l == 0 && stack.hasUpper()), layerName(stack, l), l});
        out.append(dirs);
    }

    DetailSection shadow {tr("Beneath (shadowed versions)"), {}};
    for (const auto &v : e.shadowed) {
        QString what = u8(stack::shadowKindName(v.kind)) + QStringLiteral(": ") + u8(stack::fileTypeName(v.attrs.type));
        if (v.attrs.type == stack::FileType::Regular)
            what += QStringLiteral(", ") + sizeText(quint64(v.attrs.size));
        what += QStringLiteral(", ") + pathText(v.path);
        shadow.lines.append({layerLabel(v.layer, v.layer == 0 && stack.hasUpper()), what, v.layer});
        shadow.lines.append({QString(), tr("modified %1").arg(timeText(v.attrs.mtime)), -1, true});
    }
    if (shadow.lines.isEmpty())
        shadow.lines.append({QString(), tr("nothing: no layer below holds this name")});
    out.append(shadow);

    if (!e.problems.empty()) {
        DetailSection problems {tr("Problems"), {}};
        for (const Error &p : e.problems)
            problems.lines.append({QString(), errorText(p)});
        out.append(problems);
    }
    return out;
}

QString detailsText(const QList<DetailSection> &sections, bool withVolatile)
{
    QString out;
    for (const auto &s : sections) {
        out += QStringLiteral("[%1]\n").arg(s.title);
        for (const auto &l : s.lines) {
            if (l.isVolatile && !withVolatile)
                continue;
            out += l.key.isEmpty() ? QStringLiteral("  %1\n").arg(l.value)
                                   : QStringLiteral("  %1: %2\n").arg(l.key, l.value);
        }
    }
    return out;
}

QString detailsHtml(const QList<DetailSection> &sections)
{
    QString html = QStringLiteral("<html><body>");
    for (const auto &s : sections) {
        html += QStringLiteral("<h4>%1</h4><table cellspacing='2'>").arg(s.title.toHtmlEscaped());
        for (const auto &l : s.lines) {
            QString chip;
            if (l.layer >= 0)
                chip = QStringLiteral("<span style='color:%1'>&#9632;</span> ").arg(layerColor(l.layer).name());
            html += QStringLiteral("<tr><td style='padding-right:8px'><b>%1</b></td><td>%2%3</td></tr>")
                        .arg(l.key.toHtmlEscaped(), chip, l.value.toHtmlEscaped());
        }
        html += QStringLiteral("</table>");
    }
    return html + QStringLiteral("</body></html>");
}

} // namespace strata::gui
