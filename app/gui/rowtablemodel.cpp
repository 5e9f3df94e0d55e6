// SPDX-License-Identifier: GPL-2.0-or-later
#include "rowtablemodel.h"

#include "layercolors.h"

namespace strata::gui {

RowTableModel::RowTableModel(QStringList headers, QObject *parent)
    : QAbstractTableModel(parent)
    , m_headers(std::move(headers))
{ }

int RowTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RowTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant RowTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TableRow &r = m_rows.at(index.row());
    const int c = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return c < r.cells.size() ? r.cells.at(c) : QString();
    case Qt::ToolTipRole:
        return r.toolTip.isEmpty() ? QVariant() : QVariant(r.toolTip);
    case Qt::ForegroundRole:
        return r.foreground.isValid() ? QVariant(r.foreground) : QVariant();
    case Qt::DecorationRole:
        return (c == 0 && r.layer >= 0) ? QVariant(layerChip(r.layer)) : QVariant();
    case SortRole:
        if (c < r.sortKeys.size() && r.sortKeys.at(c).isValid())
            return r.sortKeys.at(c);
        return c < r.cells.size() ? r.cells.at(c) : QString();
    case PayloadRole:
        return r.payload;
    case LayerRole:
        return r.layer;
    default:
        return {};
    }
}

QVariant RowTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < m_headers.size())
        return m_headers.at(section);
    return QAbstractTableModel::headerData(section, orientation, role);
}

void RowTableModel::setRows(QList<TableRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void RowTableModel::appendRows(const QList<TableRow> &rows)
{
    if (rows.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
    m_rows.append(rows);
    endInsertRows();
}

void RowTableModel::removeRowsAt(int first, int count)
{
    if (count <= 0 || first < 0 || first + count > m_rows.size())
        return;
    beginRemoveRows({}, first, first + count - 1);
    m_rows.remove(first, count);
    endRemoveRows();
}

void RowTableModel::clear()
{
    setRows({});
}

} // namespace strata::gui
