// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Everything core knows about one merged entry, as titled key/value sections: the
// details pane renders them as HTML, the golden tests as text. Facts that differ
// from run to run (inode numbers, devices, times, handle bytes) are marked volatile
// so a golden dump can leave them out.

#include "stack/entry.h"
#include "stack/layerstack.h"

#include <QList>
#include <QString>

namespace strata::gui {

struct DetailLine {
    QString key;
    QString value;
    int layer = -1; // >= 0: shown with that layer's colour
    bool isVolatile = false;
};

struct DetailSection {
    QString title;
    QList<DetailLine> lines;
};

QList<DetailSection> entryDetails(const stack::LayerStack &stack, const std::string &mergedPath,
                                  const stack::MergedEntry &entry);

QString detailsText(const QList<DetailSection> &sections, bool withVolatile);
QString detailsHtml(const QList<DetailSection> &sections);

} // namespace strata::gui
