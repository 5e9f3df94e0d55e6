// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "details.h"

#include <QTextBrowser>

namespace strata::gui {

// The selected entry's facts (details.h), rendered. Everything shown was computed
// when the directory was listed, so selecting costs no I/O.
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
