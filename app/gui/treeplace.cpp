// SPDX-License-Identifier: GPL-2.0-or-later
#include "treeplace.h"

#include "treepanel.h"

#include <QTreeView>

namespace strata::gui {

static void collectExpanded(const TreePanel *panel, const QModelIndex &parent, std::vector<std::string> &out)
{
    const QAbstractItemModel *proxy = panel->view()->model();
    for (int r = 0; r < proxy->rowCount(parent); ++r) {
        const QModelIndex idx = proxy->index(r, 0, parent);
        if (!panel->view()->isExpanded(idx))
            continue;
        out.push_back(panel->model()->mergedPath(panel->proxy()->mapToSource(idx)));
        collectExpanded(panel, idx, out);
    }
}

TreePlace TreePlace::capture(const TreePanel *panel)
{
    TreePlace place;
    const QModelIndex current = panel->proxy()->mapToSource(panel->view()->currentIndex());
    if (current.isValid()) {
        place.current = panel->model()->mergedPath(current);
        place.hasCurrent = true;
    }
    collectExpanded(panel, {}, place.expanded);
    return place;
}

TreePlaceRestorer *TreePlaceRestorer::start(TreePanel *panel, TreePlace place)
{
    auto *r = new TreePlaceRestorer(panel, std::move(place));
    // The root listing may already be in (it comes from a worker): try once now.
    QMetaObject::invokeMethod(r, &TreePlaceRestorer::step, Qt::QueuedConnection);
    return r;
}

TreePlaceRestorer::TreePlaceRestorer(TreePanel *panel, TreePlace place)
    : QObject(panel)
    , m_panel(panel)
    , m_place(std::move(place))
{
    connect(panel->model(), &MergedTreeModel::directoryLoaded, this, &TreePlaceRestorer::step);
    // A tree set after this one (another reload, a view mode) owns the place now.
    connect(panel->model(), &QAbstractItemModel::modelAboutToBeReset, this, &TreePlaceRestorer::finish);
}

void TreePlaceRestorer::step()
{
    if (m_done || !m_panel)
        return;
    MergedTreeModel *model = m_panel->model();
    auto &todo = m_place.expanded;
    for (auto it = todo.begin(); it != todo.end();) {
        const QModelIndex src = model->indexForPath(*it);
        const QModelIndex idx = src.isValid() ? m_panel->proxy()->mapFromSource(src) : QModelIndex();
        if (!idx.isValid()) {
            ++it;
            continue;
        }
        m_panel->view()->expand(idx);
        if (model->canFetchMore(src))
            model->fetchMore(src);
        it = todo.erase(it);
    }
    if (m_place.hasCurrent && m_panel->selectPath(m_place.current))
        m_place.hasCurrent = false;
    // Done when everything is back, or when no listing is on its way that could
    // bring the rest (those paths are gone from the stack).
    if ((todo.empty() && !m_place.hasCurrent) || model->pendingFetches() == 0)
        finish();
}

void TreePlaceRestorer::finish()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT finished();
    deleteLater();
}

} // namespace strata::gui
