// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "details.h"

#include <QTextBrowser>

namespace strata::gui {

// The selected entry's facts (details.h), rendered. The GUI thread does no I/O for
// them: the tree model reads the entry in the background and the pane is shown the
// row's facts first, then the full entry when it lands (MergedTreeModel::entryRead).
class DetailsPane : public QTextBrowser {
    Q_OBJECT
public:
    explicit DetailsPane(QWidget *parent = nullptr);

    void showEntry(const stack::LayerStack &stack, const std::string &path, const stack::MergedEntry &entry);
    void showNothing();
    const QList<DetailSection> &sections() const { return m_sections; }

private:
    QList<DetailSection> m_sections;
};

} // namespace strata::gui
