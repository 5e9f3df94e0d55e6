// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A read-only table of rows computed elsewhere (a worker's report): whiteouts, index
// entries, mount options, summaries, preflight findings, mounts. Each cell carries
// its display text and a sort key; a row may carry a layer (colour chip in column 0),
// a tooltip and a foreground colour.

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QStringList>
#include <QVariant>

namespace strata::gui {

struct TableRow {
    QStringList cells;
    QVariantList sortKeys; // optional, per cell; falls back to the text
    int layer = -1; // >= 0: a colour chip in column 0
    QString toolTip;
    QColor foreground;
    QVariant payload; // whatever the view needs back (a path, a mount point)
};

class RowTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Roles { SortRole = Qt::UserRole + 1, PayloadRole, LayerRole };

    explicit RowTableModel(QStringList headers, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setRows(QList<TableRow> rows); // reset
    void appendRows(const QList<TableRow> &rows); // insert at the end
    void removeRowsAt(int first, int count);
    void clear();
    const TableRow &row(int r) const { return m_rows.at(r); }

private:
    QStringList m_headers;
    QList<TableRow> m_rows;
};

} // namespace strata::gui
