// SPDX-License-Identifier: GPL-2.0-or-later
#include "changesdock.h"

#include "guitext.h"
#include "layercolors.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace strata::gui {

using namespace strata::watch;

namespace {

constexpr int kMaxLines = 10000; // the oldest lines go first: memory stays bounded
enum ItemRole { LayerItemRole = Qt::UserRole + 1, KindsItemRole, PathItemRole };

QString joined(uint32_t kinds, const std::vector<std::pair<uint32_t, QString>> &names)
{
    QStringList out;
    for (const auto &[bit, name] : names)
        if (kinds & bit)
            out << name;
    return out.join(QStringLiteral(", "));
}

} // namespace

QString changeKindsText(uint32_t kinds)
{
    return joined(kinds,
                  {
                      {ChangeCreated, ChangesDock::tr("created")},
                      {ChangeDeleted, ChangesDock::tr("deleted")},
                      {ChangeMovedFrom, ChangesDock::tr("moved away")},
                      {ChangeMovedTo, ChangesDock::tr("moved here")},
                      {ChangeAttrib, ChangesDock::tr("attributes changed")},
                      {ChangeModified, ChangesDock::tr("written")},
                      {ChangeDeletedSelf, ChangesDock::tr("directory itself deleted")},
                  });
}

QString effectKindsText(uint32_t kinds)
{
    return joined(kinds,
                  {
                      {EffectAppeared, ChangesDock::tr("appeared")},
                      {EffectVanished, ChangesDock::tr("vanished")},
                      {EffectHidden, ChangesDock::tr("hidden")},
                      {EffectRevealed, ChangesDock::tr("revealed")},
                      {EffectOriginChanged, ChangesDock::tr("origin changed")},
                      {EffectTypeChanged, ChangesDock::tr("type changed")},
                      {EffectSizeChanged, ChangesDock::tr("size changed")},
                      {EffectModeChanged, ChangesDock::tr("mode changed")},
                      {EffectContentChanged, ChangesDock::tr("content changed")},
                      {EffectStateChanged, ChangesDock::tr("overlay state changed")},
                      {EffectOwnerChanged, ChangesDock::tr("owner changed")},
                  });
}

ChangesDock::ChangesDock(QWidget *parent)
    : QDockWidget(tr("Changes"), parent)
{
    setObjectName(QStringLiteral("changesDock"));
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(2, 2, 2, 2);
    m_header = new QLabel(tr("Nothing is watched: open a stack."), body);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);

    auto *bar = new QHBoxLayout;
    m_layer = new QComboBox(body);
    m_layer->setToolTip(tr("Show the changes of one layer only"));
    m_kind = new QComboBox(body);
    m_kind->setToolTip(tr("Show one kind of change only"));
    m_kind->addItem(tr("All kinds"), 0u);
    m_kind->addItem(tr("Created"), uint(ChangeCreated | ChangeMovedTo));
    m_kind->addItem(tr("Deleted"), uint(ChangeDeleted | ChangeMovedFrom | ChangeDeletedSelf));
    m_kind->addItem(tr("Attributes"), uint(ChangeAttrib));
    m_kind->addItem(tr("Written"), uint(ChangeModified));
    m_kind->addItem(tr("Lost events (rescans)"), 0x80000000u);
    m_pause = new QToolButton(body);
    m_pause->setText(tr("&Pause"));
    m_pause->setCheckable(true);
    m_pause->setIcon(QIcon::fromTheme(QStringLiteral("media-playback-pause")));
    m_pause->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear = new QToolButton(body);
    m_clear->setText(tr("C&lear"));
    m_clear->setIcon(QIcon::fromTheme(QStringLiteral("edit-clear-history")));
    m_clear->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addWidget(m_layer, 1);
    bar->addWidget(m_kind, 1);
    bar->addWidget(m_pause);
    bar->addWidget(m_clear);
    layout->addLayout(bar);

    m_feed = new QTreeWidget(body);
    m_feed->setHeaderLabels(
        {tr("Time"), tr("Layer"), tr("Path in layer"), tr("What happened"), tr("Effect on the merged view")});
    m_feed->setRootIsDecorated(false);
    m_feed->setUniformRowHeights(true);
    m_feed->setAlternatingRowColors(true);
    m_feed->header()->setStretchLastSection(true);
    layout->addWidget(m_feed, 1);
    setWidget(body);
    setStack(nullptr);

    connect(m_layer, &QComboBox::currentIndexChanged, this, &ChangesDock::applyFilters);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &ChangesDock::applyFilters);
    connect(m_clear, &QToolButton::clicked, this, &ChangesDock::clear);
    connect(m_pause, &QToolButton::toggled, this, [this](bool paused) {
        if (paused)
            return;
        const QList<LiveChange> held = std::exchange(m_held, {});
        addChanges(held);
    });
    connect(m_feed, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QVariant path = item->data(0, PathItemRole);
        if (path.isValid())
            Q_EMIT pathActivated(path.toByteArray());
    });
}

void ChangesDock::setStack(const std::shared_ptr<const stack::LayerStack> &stack)
{
    m_stack = stack;
    clear();
    const QSignalBlocker block(m_layer);
    m_layer->clear();
    m_layer->addItem(tr("All layers"), -1);
    if (stack)
        for (const auto &l : stack->layers())
            m_layer->addItem(
                layerChip(l.index),
                QStringLiteral("%1 %2").arg(layerLabel(l.index, l.role == stack::Role::Upper), displayText(l.path)),
                l.index);
    m_header->setText(stack ? tr("Starting to watch the layers…") : tr("Nothing is watched: open a stack."));
}

void ChangesDock::setLayers(const std::vector<LayerWatch> &layers)
{
    QStringList lines;
    for (const LayerWatch &lw : layers)
        lines << tr("%1: %2 — %3")
                     .arg(layerLabel(lw.layer, lw.role == stack::Role::Upper),
                          QString::fromUtf8(methodName(lw.method).data()), QString::fromStdString(lw.reason));
    m_header->setText(lines.join(QLatin1Char('\n')));
}

void ChangesDock::setWatchFailed(const QString &reason)
{
    m_header->setText(tr("The layers cannot be watched: %1").arg(reason));
}

void ChangesDock::clear()
{
    m_feed->clear();
    m_held.clear();
}

void ChangesDock::addChanges(const QList<LiveChange> &changes)
{
    if (m_pause->isChecked()) {
        m_held += changes;
        while (m_held.size() > kMaxLines)
            m_held.removeFirst();
        return;
    }
    for (const LiveChange &c : changes)
        addLine(c);
    while (m_feed->topLevelItemCount() > kMaxLines)
        delete m_feed->takeTopLevelItem(0);
}

void ChangesDock::addLine(const LiveChange &c)
{
    auto *item = new QTreeWidgetItem;
    QStringList effects;
    QVariant activatePath;
    for (const Effect &e : c.effects) {
        if (e.kinds == 0) {
            effects << (e.note.empty() ? tr("no effect") : tr("no effect (%1)").arg(QString::fromStdString(e.note)));
            continue;
        }
        effects << tr("%1: %2").arg(pathText(e.mergedPath), effectKindsText(e.kinds));
        if (!activatePath.isValid() && e.inView)
            activatePath = QByteArray::fromStdString(e.mergedPath);
    }
    if (c.overflow) {
        item->setText(TimeColumn, QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz")));
        item->setText(WhatColumn, tr("events were lost: every loaded directory was read again"));
        item->setData(0, LayerItemRole, -1);
        item->setData(0, KindsItemRole, 0x80000000u);
    } else {
        const LayerChange &ch = c.change;
        const qint64 ms = qint64(ch.time.tv_sec) * 1000 + ch.time.tv_nsec / 1000000;
        item->setText(TimeColumn, QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz")));
        item->setText(LayerColumn, layerLabel(ch.layer, ch.role == stack::Role::Upper));
        item->setIcon(LayerColumn, layerChip(ch.layer));
        QString path = pathText(ch.path);
        if (ch.isDir && !ch.path.empty())
            path += QLatin1Char('/');
        item->setText(PathColumn, path);
        QString what = changeKindsText(ch.kinds);
        if (!ch.otherPath.empty())
            what = ((ch.kinds & ChangeMovedTo) ? tr("%1 from %2") : tr("%1 to %2")).arg(what, pathText(ch.otherPath));
        item->setText(WhatColumn, what);
        item->setData(0, LayerItemRole, ch.layer);
        item->setData(0, KindsItemRole, uint(ch.kinds));
    }
    item->setText(EffectColumn, effects.join(QStringLiteral("; ")));
    item->setToolTip(EffectColumn, effects.join(QLatin1Char('\n')));
    if (activatePath.isValid())
        item->setData(0, PathItemRole, activatePath);
    m_feed->addTopLevelItem(item);
    applyFilter(item);
}

void ChangesDock::applyFilter(QTreeWidgetItem *item) const
{
    const int layer = m_layer->currentData().toInt();
    const uint kinds = m_kind->currentData().toUInt();
    bool shown = layer < 0 || item->data(0, LayerItemRole).toInt() == layer;
    if (kinds != 0)
        shown = shown && (item->data(0, KindsItemRole).toUInt() & kinds);
    item->setHidden(!shown);
}

void ChangesDock::applyFilters()
{
    for (int i = 0; i < m_feed->topLevelItemCount(); ++i)
        applyFilter(m_feed->topLevelItem(i));
}

int ChangesDock::visibleLines() const
{
    int n = 0;
    for (int i = 0; i < m_feed->topLevelItemCount(); ++i)
        n += m_feed->topLevelItem(i)->isHidden() ? 0 : 1;
    return n;
}

} // namespace strata::gui
