// SPDX-License-Identifier: GPL-2.0-or-later
#include "treedump.h"

#include <QFont>

namespace strata::gui {

static void dumpRows(const QAbstractItemModel &model, const QList<int> &columns, const QModelIndex &parent, int depth,
                     QString &out)
{
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex first = model.index(r, 0, parent);
        QStringList cells;
        for (int c : columns)
            cells << model.index(r, c, parent).data().toString();
        const bool struck = first.data(Qt::FontRole).value<QFont>().strikeOut();
        out += QString(depth * 2, QLatin1Char(' ')) + (struck ? QStringLiteral("~") : QString())
            + cells.join(QStringLiteral(" | ")) + QLatin1Char('\n');
        dumpRows(model, columns, first, depth + 1, out);
    }
}

QString dumpModel(const QAbstractItemModel &model, const QList<int> &columns, const QModelIndex &root)
{
    QString out;
    dumpRows(model, columns, root, 0, out);
    return out;
}

} // namespace strata::gui
