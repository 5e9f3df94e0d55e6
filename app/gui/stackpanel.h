// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The layers of the open stack, top to bottom, and how the tree shows them: the
// whole merged view, one layer only (what it holds, marked added / modified /
// deleted as dive does), or the cumulative view up to a layer.

#include "layerstackmodel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QToolButton;
class QTreeView;

namespace strata::gui {

class MessageBar;

enum class ViewMode { Merged, LayerOnly, Cumulative };

class StackPanel : public QWidget {
    Q_OBJECT
public:
    explicit StackPanel(QWidget *parent = nullptr);

    LayerStackModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    MessageBar *messageBar() const { return m_messages; }

    void setStack(std::shared_ptr<const stack::LayerStack> stack, const QString &title);
    ViewMode viewMode() const;
    void setViewMode(ViewMode mode);
    int selectedLayer() const; // -1: none
    void selectLayer(int layer);

    // Progress of the summary scan that fills the counts.
    void setScanProgress(bool running, quint64 entries);

Q_SIGNALS:
    void viewChanged(strata::gui::ViewMode mode, int layer);
    void cancelScanRequested();

private:
    void emitView();

    LayerStackModel *m_model;
    QLabel *m_title;
    QTreeView *m_view;
    QComboBox *m_mode;
    QLabel *m_scanLabel;
    QProgressBar *m_scanBar;
    QToolButton *m_cancel;
    MessageBar *m_messages;
};

} // namespace strata::gui
