// SPDX-License-Identifier: GPL-2.0-or-later
#include "layerstackmodel.h"

#include "guitext.h"
#include "identitytext.h"
#include "layercolors.h"
#include "ovl/values.h"

#include <QBrush>
#include <QIcon>
#include <QLocale>

namespace strata::gui {

LayerStackModel::LayerStackModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void LayerStackModel::setStack(std::shared_ptr<const stack::LayerStack> stack)
{
    beginResetModel();
    m_stack = std::move(stack);
    m_summaries.assign(m_stack ? m_stack->layers().size() : 0, std::nullopt);
    m_problems.clear();
    m_identity.reset();
    endResetModel();
}

void LayerStackModel::setSummary(const stack::StackSummary &summary)
{
    if (!m_stack)
        return;
    for (const auto &ls : summary.layers) {
        if (ls.layer < 0 || size_t(ls.layer) >= m_summaries.size())
            continue;
        m_summaries[size_t(ls.layer)] = ls;
        for (const Error &e : ls.problems)
            m_problems[ls.layer] << errorText(e);
    }
    if (!m_summaries.empty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void LayerStackModel::setLayerProblem(int layer, const QString &message)
{
    if (layer < 0 || layer >= rowCount())
        return;
    m_problems[layer] << message;
    Q_EMIT dataChanged(index(layer, 0), index(layer, ColumnCount - 1));
}

void LayerStackModel::setIdentity(const stack::IdentityVerdict &verdict)
{
    if (!m_stack)
        return;
    m_identity = verdict;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool LayerStackModel::identityDrifted(int layer) const
{
    // The records live on the upper (origins, index) and name lower layer 1.
    return m_identity && m_identity->state == stack::IdentityState::Drifted && (layer == 0 || layer == 1) && m_stack
        && m_stack->hasUpper();
}

QStringList LayerStackModel::badges(int layer) const
{
    QStringList b;
    const stack::Layer &l = m_stack->layers()[size_t(layer)];
    if (l.fs.readOnly)
        b << tr("read-only");
    if (l.fs.remote)
        b << tr("remote");
    b << (m_stack->xattrNamespace() == ovl::Namespace::User ? tr("user.overlay") : tr("trusted.overlay"));
    if (!m_stack->canReadOverlayXattrs())
        b << tr("xattrs unreadable");
    const auto &s = m_summaries[size_t(layer)];
    if (m_problems.contains(layer) || (s && !s->xattrsRead))
        b << tr("unreadable");
    if (identityDrifted(layer))
        b << tr("uuid changed");
    return b;
}

int LayerStackModel::rowCount(const QModelIndex &parent) const
{
    return (parent.isValid() || !m_stack) ? 0 : int(m_stack->layers().size());
}

int LayerStackModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString roleText(stack::Role r)
{
    switch (r) {
    case stack::Role::Upper:
        return LayerStackModel::tr("upper");
    case stack::Role::Lower:
        return LayerStackModel::tr("lower");
    case stack::Role::DataOnly:
        return LayerStackModel::tr("data-only");
    }
    return {};
}

QVariant LayerStackModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const stack::Layer &l = m_stack->layers()[size_t(row)];
    const auto &s = m_summaries[size_t(row)];
    auto count = [&](uint64_t v) -> QVariant { return s ? QVariant(QLocale().toString(qulonglong(v))) : QVariant(); };
    auto countKey = [&](uint64_t v) -> QVariant { return s ? QVariant(qulonglong(v)) : QVariant(qulonglong(0)); };

    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (index.column()) {
        case LayerColumn:
            return sort ? QVariant(row) : QVariant(layerLabel(l.index, l.role == stack::Role::Upper));
        case RoleColumn:
            return roleText(l.role);
        case PathColumn:
            return displayText(l.path);
        case FsTypeColumn:
            return QString::fromStdString(l.fs.fsType);
        case DeviceColumn:
            return deviceText(l.fs.dev);
        case UuidColumn:
            return l.fs.uuid ? QString::fromStdString(ovl::formatUuid(*l.fs.uuid)) : QString();
        case SizeColumn:
            if (sort)
                return countKey(s ? s->bytes : 0);
            return s ? QVariant(sizeText(s->bytes)) : QVariant();
        case EntriesColumn:
            return sort ? countKey(s ? s->entries : 0) : count(s ? s->entries : 0);
        case WhiteoutsColumn:
            return sort ? countKey(s ? s->whiteouts : 0) : count(s ? s->whiteouts : 0);
        case OpaqueColumn:
            return sort ? countKey(s ? s->opaqueDirs : 0) : count(s ? s->opaqueDirs : 0);
        case BadgesColumn:
            return badges(row).join(QStringLiteral(" · "));
        }
        return {};
    }
    switch (role) {
    case Qt::DecorationRole:
        if (index.column() == LayerColumn)
            return layerChip(l.index);
        if (index.column() == BadgesColumn && (m_problems.contains(row) || identityDrifted(row)))
            return QIcon::fromTheme(QStringLiteral("dialog-warning"));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == BadgesColumn && identityDrifted(row))
            return identityDetails(*m_identity) + QLatin1Char('\n') + tr("Double-click to restamp.");
        if (m_problems.contains(row))
            return m_problems.value(row).join(QLatin1Char('\n'));
        return displayText(l.path);
    case Qt::TextAlignmentRole:
        if (index.column() >= SizeColumn && index.column() <= OpaqueColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case LayerIndexRole:
        return l.index;
    case BadgesRole:
        return badges(row);
    case ProblemRole:
        return m_problems.value(row).join(QLatin1Char('\n'));
    case IdentityDriftRole:
        return identityDrifted(row);
    }
    return {};
}

QVariant LayerStackModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LayerColumn:
        return tr("Layer");
    case RoleColumn:
        return tr("Role");
    case PathColumn:
        return tr("Path");
    case FsTypeColumn:
        return tr("Filesystem");
    case DeviceColumn:
        return tr("Device");
    case UuidColumn:
        return tr("FS UUID");
    case SizeColumn:
        return tr("Size");
    case EntriesColumn:
        return tr("Entries");
    case WhiteoutsColumn:
        return tr("Whiteouts");
    case OpaqueColumn:
        return tr("Opaque");
    case BadgesColumn:
        return tr("Badges");
    }
    return {};
}

} // namespace strata::gui
