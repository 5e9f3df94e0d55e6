// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The merged tree with its filter bar: regex over full paths, a state filter, a
// layer filter and the whiteouts toggle. Problems reported while listing appear in
// the panel's own message bar.

#include "mergedtreemodel.h"
#include "treefilterproxy.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTreeView;

namespace strata::gui {

class MessageBar;

class TreePanel : public QWidget {
    Q_OBJECT
public:
    explicit TreePanel(QWidget *parent = nullptr);

    MergedTreeModel *model() const { return m_model; }
    TreeFilterProxy *proxy() const { return m_proxy; }
    QTreeView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    QCheckBox *whiteoutsToggle() const { return m_whiteouts; }
    MessageBar *messageBar() const { return m_messages; }

    // The layers for the layer filter (labels top first).
    void setLayers(const QStringList &labels);
    void setTree(std::shared_ptr<const stack::MergedTree> tree, const QString &caption);
    // Selects the entry at a merged path when it is loaded (expands its parents).
    bool selectPath(const std::string &path);

Q_SIGNALS:
    void currentEntryChanged(const QModelIndex &sourceIndex);

private:
    void applyFilters();

    MergedTreeModel *m_model;
    TreeFilterProxy *m_proxy;
    QLabel *m_caption;
    QLineEdit *m_search;
    QComboBox *m_state;
    QComboBox *m_layer;
    QCheckBox *m_whiteouts;
    QTreeView *m_view;
    QLabel *m_loading;
    MessageBar *m_messages;
};

} // namespace strata::gui
