// SPDX-License-Identifier: GPL-2.0-or-later
#include "screenshots.h"

#include "application.h"
#include "assemblypanel.h"
#include "mainwindow.h"
#include "mergedtreemodel.h"
#include "reportviews.h"
#include "treepanel.h"

#include <QCoreApplication>
#include <QDir>
#include <QPixmap>
#include <QTableView>
#include <QTreeView>
#include <cstdio>

namespace strata::gui {

static bool settle(MainWindow &w)
{
    auto *model = w.treePanel()->model();
    return waitUntil([&]() { return model->pendingFetches() == 0; }, 30000);
}

static void expandLoadedDirs(MainWindow &w, const QModelIndex &parent, int depth)
{
    QTreeView *view = w.treePanel()->view();
    QAbstractItemModel *m = view->model();
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (m->hasChildren(i)) {
            view->expand(i);
            settle(w);
            if (depth > 1)
                expandLoadedDirs(w, i, depth - 1);
        }
    }
}

static QModelIndex findState(QAbstractItemModel *m, const QModelIndex &parent, uint state)
{
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (i.data(MergedTreeModel::StateRole).toUInt() & state)
            return i;
        if (QModelIndex found = findState(m, i, state); found.isValid())
            return found;
    }
    return {};
}

int writeScreenshots(MainWindow &w, const QString &dirPath)
{
    QDir dir(dirPath);
    if (!dir.mkpath(QStringLiteral("."))) {
        std::fprintf(stderr, "strata: cannot create %s\n", qPrintable(dirPath));
        return 1;
    }
    w.resize(1440, 900);
    w.show();
    bool opened = false;
    QObject::connect(&w, &MainWindow::stackOpened, &w, [&]() { opened = true; });
    w.openDemo();
    if (!waitUntil([&]() { return opened; }, 30000) || !settle(w)) {
        std::fprintf(stderr, "strata: the demo stack did not open\n");
        return 1;
    }
    waitUntil([&]() { return !w.summaryJob()->isRunning(); }, 30000);
    int failures = 0;
    auto shoot = [&](const char *name) {
        QCoreApplication::processEvents();
        const QString file = dir.filePath(QString::fromLatin1(name) + QStringLiteral(".png"));
        if (!w.grab().save(file)) {
            std::fprintf(stderr, "strata: could not write %s\n", qPrintable(file));
            ++failures;
        } else {
            std::printf("%s\n", qPrintable(file));
        }
    };

    expandLoadedDirs(w, {}, 2);
    QTreeView *view = w.treePanel()->view();
    view->resizeColumnToContents(MergedTreeModel::StateColumn);
    shoot("stack");

    if (QModelIndex copied = findState(view->model(), {}, stack::StateCopiedUp); copied.isValid())
        view->setCurrentIndex(copied);
    shoot("details");

    ReportViews *reports = w.reportViews();
    for (ReportTab *tab :
         {reports->whiteoutsTab(), reports->indexTab(), reports->optionsTab(), reports->summaryTab()}) {
        reports->setCurrentWidget(tab);
        waitUntil([&]() { return !tab->job()->isRunning(); }, 30000);
        tab->view()->resizeColumnsToContents();
    }
    reports->setCurrentWidget(reports->whiteoutsTab());
    shoot("whiteouts");
    reports->setCurrentWidget(reports->indexTab());
    shoot("index");
    reports->setCurrentWidget(reports->summaryTab());
    shoot("summary");

    w.stackPanel()->selectLayer(1);
    w.stackPanel()->setViewMode(ViewMode::LayerOnly);
    settle(w);
    waitUntil([&]() { return !w.changesJob()->isRunning(); }, 30000);
    expandLoadedDirs(w, {}, 2);
    shoot("layer");

    w.showAssembly();
    waitUntil([&]() { return !w.assemblyPanel()->preflightJob()->isRunning(); }, 30000);
    shoot("assembly");
    return failures ? 1 : 0;
}

} // namespace strata::gui
