// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// One colour per layer, the same in the stack panel, the tree's origin column, the
// details pane and the summary: a person follows a layer by its colour.

#include <QColor>
#include <QIcon>

namespace strata::gui {

QColor layerColor(int layer); // stable for a layer index, distinct for neighbours
QIcon layerChip(int layer); // a small rounded square in that colour
QString layerLabel(int layer, bool isUpper); // "upper", "L1", ...

// dive's three colours for what a layer changes.
QColor addedColor();
QColor modifiedColor();
QColor deletedColor();

} // namespace strata::gui
