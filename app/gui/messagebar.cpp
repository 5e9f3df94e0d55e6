// SPDX-License-Identifier: GPL-2.0-or-later
#include "messagebar.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace strata::gui {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_label(new QLabel(this))
    , m_close(new QToolButton(this))
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_close->setIcon(QIcon::fromTheme(QStringLiteral("window-close")));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));
    layout->addWidget(m_icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &MessageBar::clearMessages);
    hide();
}

void MessageBar::showMessage(Kind kind, const QString &text)
{
    m_messages << text;
    const char *icon = kind == Kind::Error ? "dialog-error"
        : kind == Kind::Warning            ? "dialog-warning"
                                           : "dialog-information";
    const int px = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(QIcon::fromTheme(QString::fromLatin1(icon)).pixmap(QSize(px, px), devicePixelRatioF()));
    QString shown = text;
    if (m_messages.size() > 1)
        shown += QLatin1Char(' ') + tr("(+%n more)", nullptr, int(m_messages.size()) - 1);
    m_label->setText(shown);
    m_label->setToolTip(m_messages.join(QLatin1Char('\n')));
    QPalette pal = palette();
    const QColor base = kind == Kind::Error ? QColor(0xf4, 0xd3, 0xd3)
        : kind == Kind::Warning             ? QColor(0xf8, 0xe9, 0xc0)
                                            : QColor(0xd6, 0xe6, 0xf5);
    pal.setColor(QPalette::Window, base);
    pal.setColor(QPalette::WindowText, Qt::black);
    setPalette(pal);
    show();
}

void MessageBar::clearMessages()
{
    m_messages.clear();
    m_label->clear();
    hide();
}

QString MessageBar::text() const
{
    return m_messages.join(QLatin1Char('\n'));
}

} // namespace strata::gui
