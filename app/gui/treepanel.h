// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The merged tree with its filter bar: a regex search over every full path (a
// PathSearch walks the whole tree in a worker; its matches show in the tree with
// the directories leading to them loaded and expanded), a state filter, a layer
// filter and the whiteouts toggle. Problems reported while listing appear in the
// panel's own message bar; the search's progress, result and errors in a line under
// the filter bar.

#include "mergedtreemodel.h"
#include "pathsearch.h"
#include "treefilterproxy.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
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
    QLineEdit *searchField() const { return m_searchField; }
    QCheckBox *whiteoutsToggle() const { return m_whiteouts; }
    MessageBar *messageBar() const { return m_messages; }
    PathSearch *pathSearch() const { return m_search; }
    QLabel *searchStatus() const { return m_searchStatus; }
    QPushButton *cancelSearchButton() const { return m_cancelSearch; }

    // The layers for the layer filter (labels top first).
    void setLayers(const QStringList &labels);
    void setTree(std::shared_ptr<const stack::MergedTree> tree, const QString &caption);
    // Selects the entry at a merged path when it is loaded (expands its parents).
    bool selectPath(const std::string &path);
    // (Re)starts the search for the field's pattern with the current filters now (the
    // field starts it by itself after a pause in typing); an empty pattern ends it.
    void startSearch();

Q_SIGNALS:
    void currentEntryChanged(const QModelIndex &sourceIndex);

private:
    void applyFilters();
    int layerFilter() const;
    void showMatches(const QList<QByteArray> &paths);
    void reveal(const QByteArray &dir);
    void setSearchStatus(const QString &text, bool error = false);

    MergedTreeModel *m_model;
    TreeFilterProxy *m_proxy;
    QLabel *m_caption;
    QLineEdit *m_searchField;
    QComboBox *m_state;
    QComboBox *m_layer;
    QCheckBox *m_whiteouts;
    QTreeView *m_view;
    QLabel *m_loading;
    MessageBar *m_messages;
    QLabel *m_searchStatus;
    QPushButton *m_cancelSearch;
    PathSearch *m_search;
    QTimer m_searchDelay;
    std::shared_ptr<const stack::MergedTree> m_tree;
    // Ancestors of matches whose parent directory is still being listed, by parent.
    QHash<QByteArray, QList<QByteArray>> m_revealWaiting;
};

} // namespace strata::gui
