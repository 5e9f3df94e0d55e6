// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Changes dock: the live feed of changes made on the open stack's layers (time,
// layer, path in the layer, what happened, what it did to the merged view), with a
// header saying how each layer is watched and why. Filters by layer and by kind,
// pause (lines are held, shown on resume), clear. Activating a line asks to show its
// merged entry in the tree.

#include "livewatch.h"

#include <QDockWidget>

class QComboBox;
class QLabel;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace strata::gui {

class ChangesDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ChangesDock(QWidget *parent = nullptr);

    // A new stack: the feed is cleared, the layer filter lists its layers.
    void setStack(const std::shared_ptr<const stack::LayerStack> &stack);
    void setLayers(const std::vector<watch::LayerWatch> &layers); // the header
    void setWatchFailed(const QString &reason);
    void addChanges(const QList<LiveChange> &changes);
    void clear();

    QTreeWidget *feed() const { return m_feed; }
    QComboBox *layerFilter() const { return m_layer; }
    QComboBox *kindFilter() const { return m_kind; }
    QToolButton *pauseButton() const { return m_pause; }
    QToolButton *clearButton() const { return m_clear; }
    QLabel *header() const { return m_header; }
    int visibleLines() const;

    enum Column { TimeColumn, LayerColumn, PathColumn, WhatColumn, EffectColumn, ColumnCount };

Q_SIGNALS:
    void pathActivated(const QByteArray &mergedPath);

private:
    void addLine(const LiveChange &change);
    void applyFilter(QTreeWidgetItem *item) const;
    void applyFilters();

    QLabel *m_header;
    QComboBox *m_layer;
    QComboBox *m_kind;
    QToolButton *m_pause;
    QToolButton *m_clear;
    QTreeWidget *m_feed;
    QList<LiveChange> m_held; // arrived while paused
    std::shared_ptr<const stack::LayerStack> m_stack;
};

// "created, modified": the kinds of a layer change, translated.
QString changeKindsText(uint32_t kinds);
// "appeared, origin changed": an effect's kinds, translated.
QString effectKindsText(uint32_t kinds);

} // namespace strata::gui
