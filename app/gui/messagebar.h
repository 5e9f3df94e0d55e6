// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// An inline message above the view it concerns (errors where they happen, never a
// dialog storm). Repeated messages are collected, not stacked: the bar shows the
// latest and how many more there are.

#include <QFrame>

class QLabel;
class QToolButton;

namespace strata::gui {

class MessageBar : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Info, Warning, Error };
    explicit MessageBar(QWidget *parent = nullptr);

    void showMessage(Kind kind, const QString &text);
    void clearMessages();
    QString text() const;
    int count() const { return int(m_messages.size()); }

private:
    QLabel *m_icon;
    QLabel *m_label;
    QToolButton *m_close;
    QStringList m_messages;
};

} // namespace strata::gui
