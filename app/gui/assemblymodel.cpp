// SPDX-License-Identifier: GPL-2.0-or-later
#include "assemblymodel.h"

#include "guitext.h"

#include <QDataStream>
#include <QIODevice>
#include <QIcon>
#include <QMimeData>

namespace strata::gui {

using namespace assembly;

AssemblyModel::AssemblyModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_probes(new PathProbes(this))
{
    connect(m_probes, &PathProbes::probed, this, &AssemblyModel::settlePending);
}

void AssemblyModel::setSlots(const Slots &layers)
{
    replace(layers);
}

// Every edit is small (a handful of layers): a reset keeps the model simple and the
// view's selection is restored by the panel.
void AssemblyModel::replace(const Slots &layers)
{
    if (layers == m_slots)
        return;
    beginResetModel();
    m_slots = layers;
    normalize(m_slots);
    endResetModel();
    Q_EMIT slotsChanged();
}

static QList<QUrl> localUrls(const QStringList &paths)
{
    QList<QUrl> urls;
    for (const QString &p : paths)
        urls << QUrl::fromLocalFile(p);
    return urls;
}

DropPlan AssemblyModel::addDirectories(const QStringList &paths, int row)
{
    return addNow(paths, row, {});
}

DropPlan AssemblyModel::addNow(const QStringList &paths, int row, QList<Refused> refused)
{
    const DropPlan plan = planUrlDrop(m_slots, localUrls(paths), row, m_probes->cached());
    if (!plan.pending.isEmpty()) {
        m_pending.append({paths, row, refused});
        m_probes->request(plan.pending);
        return plan;
    }
    m_lastRefused = refused + plan.refused;
    if (!m_lastRefused.isEmpty())
        Q_EMIT dropRefused(m_lastRefused);
    if (plan.any()) {
        const int first = plan.row;
        const int last = plan.row + int(plan.accepted.size()) - 1;
        beginInsertRows({}, first, last);
        m_slots = applyDrop(m_slots, plan);
        endInsertRows();
        Q_EMIT slotsChanged();
    }
    return plan;
}

// Probes came back: the waiting drops whose paths are all known now are decided,
// in the order they were made (a row past the end, after removals, means the end).
void AssemblyModel::settlePending()
{
    while (!m_pending.isEmpty()) {
        const PendingDrop &next = m_pending.first();
        const bool known = std::all_of(next.paths.begin(), next.paths.end(),
                                       [this](const QString &p) { return m_probes->facts(p).known; });
        if (!known)
            return;
        PendingDrop drop = m_pending.takeFirst();
        addNow(drop.paths, drop.row > m_slots.size() ? -1 : drop.row, drop.refused);
    }
}

bool AssemblyModel::moveRowsTo(const QList<int> &rows, int destRow)
{
    if (!canMove(m_slots, rows, destRow))
        return false;
    replace(applyMove(m_slots, rows, destRow));
    return true;
}

void AssemblyModel::setRole(int row, SlotRole role)
{
    replace(assembly::setRole(m_slots, row, role));
}

void AssemblyModel::removeSlots(const QList<int> &rows)
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), std::greater<int>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (int r : sorted) {
        if (r < 0 || r >= m_slots.size())
            continue;
        beginRemoveRows({}, r, r);
        m_slots.removeAt(r);
        endRemoveRows();
    }
    if (!sorted.isEmpty())
        Q_EMIT slotsChanged();
}

int AssemblyModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_slots.size());
}

QVariant AssemblyModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Slot &s = m_slots.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1\t%2").arg(slotRoleText(s.role), s.path);
    case Qt::ToolTipRole:
        return s.path;
    case Qt::DecorationRole:
        switch (s.role) {
        case SlotRole::Upper:
            return QIcon::fromTheme(QStringLiteral("document-edit"));
        case SlotRole::Work:
            return QIcon::fromTheme(QStringLiteral("folder-temp"));
        case SlotRole::Lower:
            return QIcon::fromTheme(QStringLiteral("folder"));
        case SlotRole::Data:
            return QIcon::fromTheme(QStringLiteral("folder-documents"));
        }
        return {};
    case PathRole:
        return s.path;
    case SlotRoleRole:
        return int(s.role);
    }
    return {};
}

Qt::ItemFlags AssemblyModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled | Qt::ItemIsDropEnabled
        | Qt::ItemNeverHasChildren;
}

Qt::DropActions AssemblyModel::supportedDropActions() const
{
    return Qt::CopyAction | Qt::MoveAction | Qt::LinkAction;
}

Qt::DropActions AssemblyModel::supportedDragActions() const
{
    return Qt::MoveAction | Qt::CopyAction;
}

QStringList AssemblyModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list"), rowsMimeType()};
}

QMimeData *AssemblyModel::mimeData(const QModelIndexList &indexes) const
{
    auto *mime = new QMimeData;
    QList<int> rows;
    QList<QUrl> urls;
    for (const QModelIndex &i : indexes) {
        if (!i.isValid() || rows.contains(i.row()))
            continue;
        rows << i.row();
        urls << QUrl::fromLocalFile(m_slots.at(i.row()).path);
    }
    QByteArray encoded;
    QDataStream stream(&encoded, QIODevice::WriteOnly);
    stream << rows;
    mime->setData(rowsMimeType(), encoded);
    mime->setUrls(urls); // dragging a layer out to a file manager shows the directory
    return mime;
}

QList<int> AssemblyModel::decodeRows(const QMimeData *data)
{
    QList<int> rows;
    QByteArray encoded = data->data(rowsMimeType());
    QDataStream stream(&encoded, QIODevice::ReadOnly);
    stream >> rows;
    return rows;
}

// Dropping onto an item inserts before it; on the empty area below, at the end.
static int dropRow(int row, const QModelIndex &parent)
{
    if (parent.isValid())
        return parent.row();
    return row;
}

bool AssemblyModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                    const QModelIndex &parent) const
{
    Q_UNUSED(column)
    if (!data || action == Qt::IgnoreAction)
        return false;
    const int at = dropRow(row, parent);
    if (data->hasFormat(rowsMimeType()))
        return canMove(m_slots, decodeRows(data), at);
    if (!data->hasUrls())
        return false;
    // Answered from the probes' cache; unknown paths are probed now (in a worker)
    // and accepted meanwhile: the next drag-move gets the real answer.
    const DropPlan plan = planUrlDrop(m_slots, data->urls(), at, m_probes->cached());
    m_probes->request(plan.pending);
    return plan.mayAccept();
    return false;
}

bool AssemblyModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                                 const QModelIndex &parent)
{
    Q_UNUSED(column)
    if (!data || action == Qt::IgnoreAction)
        return false;
    const int at = dropRow(row, parent);
    if (data->hasFormat(rowsMimeType()))
        return moveRowsTo(decodeRows(data), at);
    if (!data->hasUrls())
        return false;
    QStringList paths;
    QList<Refused> notLocal;
    for (const QUrl &u : data->urls()) {
        if (u.isLocalFile())
            paths << u.toLocalFile();
        else
            notLocal.append({u.toDisplayString(), Refusal::NotLocalFile});
    }
    return addNow(paths, at, notLocal).mayAccept();
}

} // namespace strata::gui
