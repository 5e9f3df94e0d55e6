// SPDX-License-Identifier: GPL-2.0-or-later
#include "treefilterproxy.h"

#include "mergedtreemodel.h"

namespace strata::gui {

using M = MergedTreeModel;

TreeFilterProxy::TreeFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
    setSortCaseSensitivity(Qt::CaseSensitive);
}

void TreeFilterProxy::setShowWhiteouts(bool show)
{
    if (show == m_filter.showWhiteouts)
        return;
    m_filter.showWhiteouts = show;
    invalidateFilter();
}

void TreeFilterProxy::setStateMask(uint mask)
{
    if (mask == m_filter.stateMask)
        return;
    m_filter.stateMask = mask;
    invalidateFilter();
}

void TreeFilterProxy::setLayerFilter(int layer)
{
    if (layer == m_filter.layer)
        return;
    m_filter.layer = layer;
    invalidateFilter();
}

void TreeFilterProxy::setOnlyLayer(int layer)
{
    if (layer == m_filter.onlyLayer)
        return;
    m_filter.onlyLayer = layer;
    invalidateFilter();
}

void TreeFilterProxy::beginSearch()
{
    m_searching = true;
    m_matches.clear();
    m_ancestors.clear();
    invalidateRowsFilter();
}

QList<QByteArray> TreeFilterProxy::addSearchMatches(const QList<QByteArray> &paths)
{
    QList<QByteArray> added;
    for (const QByteArray &path : paths) {
        m_matches.insert(path);
        for (qsizetype slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            const QByteArray dir = path.left(slash);
            if (!m_ancestors.contains(dir)) {
                m_ancestors.insert(dir);
                added << dir;
            }
        }
    }
    if (m_searching && !paths.isEmpty())
        invalidateRowsFilter();
    return added;
}

void TreeFilterProxy::endSearch()
{
    if (!m_searching)
        return;
    m_searching = false;
    m_matches.clear();
    m_ancestors.clear();
    invalidateRowsFilter();
}

bool TreeFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_searching) {
        const QByteArray path = idx.data(M::PathBytesRole).toByteArray();
        return m_matches.contains(path) || m_ancestors.contains(path);
    }
    QList<int> dirLayers; // read only when the layer filter needs it: rows are many
    if (m_filter.layer >= 0)
        dirLayers = idx.data(M::DirLayersRole).value<QList<int>>();
    stack::FilterFacts facts;
    facts.whiteout = idx.data(M::IsWhiteoutRole).toBool();
    facts.dir = idx.data(M::IsDirRole).toBool();
    facts.layer = idx.data(M::LayerRole).toInt();
    facts.state = idx.data(M::StateRole).toUInt();
    facts.dirLayers = std::span<const int>(dirLayers.constData(), size_t(dirLayers.size()));
    return m_filter.accepts(facts, stack::EntryFilter::Dirs::KeepOpen);
}

bool TreeFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    switch (left.column()) {
    case M::SizeColumn: {
        const auto l = left.data(M::SizeRole).toULongLong(), r = right.data(M::SizeRole).toULongLong();
        if (l != r)
            return l < r;
        break;
    }
    case M::LayerColumn: {
        const int l = left.data(M::LayerRole).toInt(), r = right.data(M::LayerRole).toInt();
        if (l != r)
            return l < r;
        break;
    }
    default:
        break;
    }
    // Names are bytes: bytewise order, as core lists them (siblings: the names decide).
    return left.siblingAtColumn(0).data(M::NameBytesRole).toByteArray()
        < right.siblingAtColumn(0).data(M::NameBytesRole).toByteArray();
}

} // namespace strata::gui
