// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Filters and sorting over the lazy merged tree. Directories stay visible under the
// state and layer filters while they may still hold a match (a dir the layer
// contributes to, a dir not listed yet), so a person can descend into them; the
// "layer only" mode instead keeps exactly what the layer itself holds. In search
// mode (a PathSearch over the whole tree) only the search's matches and the
// directories leading to them are shown. The filter rules are core's
// (stack/entryfilter.h), the same the search applies.

#include "stack/entryfilter.h"

#include <QSet>
#include <QSortFilterProxyModel>

namespace strata::gui {

class TreeFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TreeFilterProxy(QObject *parent = nullptr);

    void setShowWhiteouts(bool show);
    bool showWhiteouts() const { return m_filter.showWhiteouts; }
    // Entries with any of these stack::State bits (0: no state filter).
    void setStateMask(uint mask);
    uint stateMask() const { return m_filter.stateMask; }
    // Entries whose visible version comes from `layer`, and dirs it contributes to
    // (-1: every layer).
    void setLayerFilter(int layer);
    int layerFilter() const { return m_filter.layer; }
    // Only what `layer` itself holds (dive's "this layer only"; -1: off).
    void setOnlyLayer(int layer);
    int onlyLayer() const { return m_filter.onlyLayer; }
    // Search mode: rows are the matches found so far (merged paths, "a/b") and their
    // ancestors; the other filters were applied by the search. addSearchMatches
    // returns the ancestor directories it adds, shallow first (to be loaded and
    // expanded), "" (the root) excluded.
    void beginSearch();
    QList<QByteArray> addSearchMatches(const QList<QByteArray> &paths);
    void endSearch();
    bool searchActive() const { return m_searching; }
    int searchMatchCount() const { return int(m_matches.size()); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    stack::EntryFilter m_filter; // the rules, shared with PathSearch
    bool m_searching = false;
    QSet<QByteArray> m_matches;
    QSet<QByteArray> m_ancestors;
};

} // namespace strata::gui
