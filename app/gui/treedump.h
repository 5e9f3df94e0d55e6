// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A text rendering of what a tree view shows: one line per loaded row, indented by
// depth, the chosen columns separated by " | ", struck-through rows marked "~".
// Used by the golden tests and by `strata --dump-tree` for bug reports.

#include <QAbstractItemModel>
#include <QList>
#include <QString>

namespace strata::gui {

QString dumpModel(const QAbstractItemModel &model, const QList<int> &columns, const QModelIndex &root = {});

} // namespace strata::gui
