// SPDX-License-Identifier: GPL-2.0-or-later
// The main window's part in live lower-layer changes: the watcher follows the open
// stack and the directories the tree loaded; its results update the tree in place,
// feed the Changes dock, refresh the details pane and, over a kernel overlay mount,
// raise the banner whose Verify compares the mount with its layers.
#include "changesdock.h"
#include "detailspane.h"
#include "guitext.h"
#include "layercolors.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "stack/mergedtree.h"
#include "treepanel.h"
#include "treeplace.h"
#include "verifyreport.h"

#include <QHBoxLayout>
#include <QPushButton>
#include <QTreeView>

namespace strata::gui {

void MainWindow::setUpLiveChanges()
{
    m_live = new LiveWatch(this);
    m_changesDock = new ChangesDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_changesDock);

    // The banner's action sits in its own row, after the text.
    m_verifyButton
        = new QPushButton(QIcon::fromTheme(QStringLiteral("document-preview")), tr("&Verify…"), m_staleBanner);
    m_verifyButton->setObjectName(QStringLiteral("verifyButton"));
    m_verifyButton->setToolTip(tr("Compare what the mount shows with what its layers hold now"));
    if (auto *row = qobject_cast<QHBoxLayout *>(m_staleBanner->layout()))
        row->insertWidget(row->count() - 1, m_verifyButton);
    connect(m_verifyButton, &QPushButton::clicked, this, &MainWindow::verifyMount);

    MergedTreeModel *model = m_treePanel->model();
    followModel(m_live, model);
    connect(m_live, &LiveWatch::changed, this, &MainWindow::applyLiveChanges);
    connect(m_live, &LiveWatch::started, this, [this]() { m_changesDock->setLayers(m_live->layers()); });
    connect(m_live, &LiveWatch::failed, m_changesDock, &ChangesDock::setWatchFailed);
    connect(m_live, &LiveWatch::problem, this, [this](const QString &message) {
        m_treePanel->messageBar()->showMessage(MessageBar::Kind::Warning, message);
    });
    connect(m_changesDock, &ChangesDock::pathActivated, this, [this](const QByteArray &path) {
        // The entry may lie in directories the tree has not loaded: they are loaded
        // and expanded on the way, as a reload brings a place back.
        TreePlace place;
        place.current = path.toStdString();
        place.hasCurrent = true;
        for (size_t slash = place.current.find('/'); slash != std::string::npos;
             slash = place.current.find('/', slash + 1))
            place.expanded.push_back(place.current.substr(0, slash));
        TreePlaceRestorer::start(m_treePanel, place);
    });
    // The details pane follows its entry when a live change updates the row.
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this, model](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const QModelIndex current = m_treePanel->proxy()->mapToSource(m_treePanel->view()->currentIndex());
                if (current.isValid() && current.parent() == topLeft.parent() && current.row() >= topLeft.row()
                    && current.row() <= bottomRight.row() && model->entry(current))
                    showDetailsFor(current);
            });
}

void MainWindow::applyLiveChanges(const QList<LiveChange> &changes)
{
    m_changesDock->addChanges(changes);
    // Kernel overlayfs does not expect its lower layers to change under a mount: it
    // may keep showing what went (cached dentries and listings) or miss what came.
    const auto &mount = m_stack ? m_stack->mount() : std::nullopt;
    if (!mount || mount->fstype != "overlay" || m_staleBanner->count() > 0)
        return;
    for (const LiveChange &c : changes) {
        if (c.overflow || c.change.role == stack::Role::Upper)
            continue;
        m_staleBanner->showMessage(MessageBar::Kind::Warning,
                                   tr("A lower layer changed (%1 in %2): the kernel's view of this mount may be "
                                      "stale.")
                                       .arg(pathText(c.change.path), layerLabel(c.change.layer, false)));
        return;
    }
}

void MainWindow::verifyMount()
{
    if (!m_stack || !m_stack->mount())
        return;
    if (!m_verifyReport)
        m_verifyReport = new VerifyReport(this);
    m_verifyReport->show();
    m_verifyReport->raise();
    m_verifyReport->start(m_stack->mount()->target, m_stack);
}

} // namespace strata::gui
