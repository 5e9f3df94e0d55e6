// SPDX-License-Identifier: GPL-2.0-or-later
// The main window offscreen: the demo stack opened, the tree expanded, an entry's
// details, the view modes, the report tabs, a drop of directories on the layer list,
// mounting through a fake Mounter, the user Mounter's command line and refusals.
#include "application.h"
#include "assemblypanel.h"
#include "detailspane.h"
#include "fakemounter.h"
#include "guitestmain.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "mounter/usermounter.h"
#include "reportviews.h"
#include "rowtablemodel.h"
#include "testenv.h"
#include "treepanel.h"

#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeView>

using namespace strata;
using namespace strata::gui;

class TestGuiWindow : public QObject {
    Q_OBJECT

    static bool openDemo(MainWindow &w)
    {
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openDemo();
        return opened.wait(20000);
    }

private Q_SLOTS:
    void demoStackTreeAndDetails()
    {
        test::FakeMounter mounter;
        MainWindow w(&mounter);
        w.show();
        QVERIFY(openDemo(w));
        auto *model = w.treePanel()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->pendingFetches() == 0 && model->rowCount() > 0, 20000);
        QCOMPARE(w.stackPanel()->model()->rowCount(), 3);

        QTreeView *view = w.treePanel()->view();
        const QModelIndex data = w.treePanel()->proxy()->mapFromSource(model->indexForPath("data"));
        QVERIFY(data.isValid());
        view->expand(data);
        QTRY_VERIFY(model->indexForPath("data/meta.bin").isValid());
        QVERIFY(w.treePanel()->selectPath("data/meta.bin"));
        // The entry is read again in the background: its full facts come a moment later.
        QTRY_VERIFY(detailsText(w.detailsPane()->sections(), false).contains(QStringLiteral("Copied up from")));
        const QString details = detailsText(w.detailsPane()->sections(), false);
        QVERIFY2(details.contains(QStringLiteral("Copied up from")), qPrintable(details));
        QVERIFY(details.contains(QStringLiteral("Metacopy")));

        // The summary fills the layer counts.
        QTRY_VERIFY_WITH_TIMEOUT(!w.summaryJob()->isRunning(), 20000);
        QVERIFY(!w.stackPanel()->model()->index(0, LayerStackModel::EntriesColumn).data().isNull());

        // Layer only: what L1 holds, with dive's marking.
        w.stackPanel()->selectLayer(1);
        w.stackPanel()->setViewMode(ViewMode::LayerOnly);
        QCOMPARE(w.treePanel()->proxy()->onlyLayer(), 1);
        QCOMPARE(model->tree()->topLayer(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!w.changesJob()->isRunning() && model->pendingFetches() == 0, 20000);
        w.stackPanel()->setViewMode(ViewMode::Merged);
        QCOMPARE(model->tree()->topLayer(), 0);

        // Report tabs load when shown.
        ReportViews *reports = w.reportViews();
        reports->setCurrentWidget(reports->whiteoutsTab());
        QTRY_VERIFY_WITH_TIMEOUT(reports->whiteoutsTab()->model()->rowCount() >= 3, 20000);
        reports->setCurrentWidget(reports->optionsTab());
        QTRY_VERIFY_WITH_TIMEOUT(reports->optionsTab()->model()->rowCount() >= 4, 20000);
        reports->setCurrentWidget(reports->indexTab());
        QTRY_VERIFY_WITH_TIMEOUT(!reports->indexTab()->status().isEmpty() && !reports->indexTab()->job()->isRunning(),
                                 20000);
        QVERIFY(reports->summaryLayersModel()->rowCount() == 3);

        // Keyboard: Ctrl+2 focuses the tree, Ctrl+F the path filter.
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);
        QTRY_VERIFY(view->hasFocus());
        QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(w.treePanel()->searchField()->hasFocus());
    }

    // File > Open Layer Directory: the demo's directory (lower1/ lower2/ upper/
    // work/) read as layers on disk gives the same stack as the demo itself.
    void layerDirectoryOpensWithoutMounting()
    {
        MainWindow demo(nullptr);
        QVERIFY(openDemo(demo));
        const auto want = demo.currentStack();
        MainWindow w(nullptr);
        w.show();
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openLayerDirectory(demo.demoDir());
        QVERIFY(opened.wait(20000));
        const auto got = w.currentStack();
        QCOMPARE(got->layers().size(), want->layers().size());
        for (size_t i = 0; i < got->layers().size(); ++i) {
            QCOMPARE(got->layers()[i].role, want->layers()[i].role);
            QCOMPARE(got->layers()[i].path, want->layers()[i].path);
        }
        auto *model = w.treePanel()->model();
        QTRY_VERIFY_WITH_TIMEOUT(model->pendingFetches() == 0 && model->rowCount() > 0, 20000);
        QVERIFY(model->indexForPath("etc").isValid());
    }

    void openFailureIsInline()
    {
        MainWindow w(nullptr);
        w.show();
        QSignalSpy failed(&w, &MainWindow::openFailed);
        w.openTarget(QStringLiteral("/nonexistent/strata/stack"));
        QVERIFY(failed.wait(20000));
        QVERIFY(w.messageBar()->isVisible());
        QVERIFY(w.messageBar()->text().contains(QStringLiteral("/nonexistent/strata/stack")));
    }

    // Reload opens the stack again from its source: a file added to a layer on disk
    // shows, and the current entry and the expanded dirs are back.
    void reloadKeepsThePlace()
    {
        MainWindow w(nullptr);
        w.show();
        QVERIFY(openDemo(w));
        auto *model = w.treePanel()->model();
        QTreeView *view = w.treePanel()->view();
        QTRY_VERIFY_WITH_TIMEOUT(model->pendingFetches() == 0 && model->rowCount() > 0, 20000);
        view->expand(w.treePanel()->proxy()->mapFromSource(model->indexForPath("data")));
        QTRY_VERIFY(model->indexForPath("data/meta.bin").isValid());
        QVERIFY(w.treePanel()->selectPath("data/meta.bin"));
        const auto before = w.currentStack();
        const auto &upper = before->layers().front();
        QCOMPARE(upper.role, stack::Role::Upper);
        QFile added(QString::fromStdString(upper.path + "/data/added.txt"));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.close();

        QSignalSpy restored(&w, &MainWindow::placeRestored);
        w.reload();
        QVERIFY(restored.wait(20000));
        QVERIFY(w.currentStack() != before); // opened again, not reused
        QVERIFY(model->indexForPath("data/added.txt").isValid());
        QVERIFY(view->isExpanded(w.treePanel()->proxy()->mapFromSource(model->indexForPath("data"))));
        QCOMPARE(model->mergedPath(w.treePanel()->proxy()->mapToSource(view->currentIndex())),
                 std::string("data/meta.bin"));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("Demo stack in")));

        // A place that no longer exists is let go: nothing selected, no wait forever.
        QVERIFY(w.treePanel()->selectPath("data/added.txt"));
        QVERIFY(QFile::remove(added.fileName()));
        w.reload();
        QVERIFY(restored.wait(20000));
        QVERIFY(!model->indexForPath("data/added.txt").isValid());
    }

    // The demo's temporary directory is made and removed in workers: a new demo
    // replaces it, closing the window lets it go.
    void demoDirectoryLifetime()
    {
        QString first, second;
        {
            MainWindow w(nullptr);
            QVERIFY(openDemo(w));
            first = w.demoDir();
            QVERIFY(QFileInfo(first).isDir());
            QVERIFY(openDemo(w));
            second = w.demoDir();
            QVERIFY(second != first);
            QTRY_VERIFY(!QFileInfo::exists(first));
            QVERIFY(QFileInfo(second).isDir());
        }
        QTRY_VERIFY(!QFileInfo::exists(second));
    }

    // Saving writes in a worker; a failure shows inline with core's reason.
    void saveStackInAWorker()
    {
        MainWindow w(nullptr);
        QVERIFY(openDemo(w));
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("demo.json"));
        w.saveStackTo(file);
        QVERIFY(w.saveJob()->isRunning());
        QTRY_VERIFY(!w.saveJob()->isRunning());
        auto spec = stack::readStackFile(QFile::encodeName(file).toStdString());
        QVERIFY2(spec.has_value(), spec ? "" : spec.error().message().c_str());
        QCOMPARE(spec->lower, w.currentStack()->spec().lower);

        w.saveStackTo(QStringLiteral("/nonexistent/strata/demo.json"));
        QTRY_VERIFY(!w.saveJob()->isRunning());
        QVERIFY2(w.messageBar()->text().contains(QStringLiteral("/nonexistent/strata")),
                 qPrintable(w.messageBar()->text()));

        AssemblyPanel panel(nullptr);
        panel.model()->setSlots(assembly::fromSpec(*spec));
        panel.saveTo(QStringLiteral("/nonexistent/strata/assembled.json"));
        QVERIFY(panel.saveJob()->isRunning());
        QTRY_VERIFY(!panel.saveJob()->isRunning());
        QVERIFY2(panel.messageBar()->text().contains(QStringLiteral("/nonexistent/strata")),
                 qPrintable(panel.messageBar()->text()));
    }

    void dropOnLayerListAssembles()
    {
        MainWindow w(nullptr);
        w.show();
        QVERIFY(openDemo(w));
        QTemporaryDir dir;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir.path())});
        QWidget *viewport = w.stackPanel()->view()->viewport();
        const QPoint pos = viewport->rect().center();
        QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &drop);
        QCOMPARE(w.leftTabs()->currentWidget(), w.assemblyPanel());
        const auto &slotList = w.assemblyPanel()->model()->slotList();
        QTRY_VERIFY(!w.assemblyPanel()->model()->hasPendingDrops()); // probed in a worker
        QVERIFY(std::any_of(slotList.begin(), slotList.end(), [&](const auto &s) { return s.path == dir.path(); }));
    }

    void mountThroughMounter()
    {
        test::FakeMounter mounter;
        AssemblyPanel panel(&mounter);
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("l1"));
        QDir(dir.path()).mkpath(QStringLiteral("l2"));
        panel.model()->addDirectories({dir.filePath(QStringLiteral("l1")), dir.filePath(QStringLiteral("l2"))});
        QTRY_COMPARE(panel.model()->rowCount(), 2); // probed in a worker
        panel.mountpointField()->setText(dir.filePath(QStringLiteral("mnt")));
        QSignalSpy finished(&mounter, &app::Mounter::finished);
        QSignalSpy mounted(&panel, &AssemblyPanel::mounted);
        panel.mount();
        QVERIFY(finished.wait());
        QCOMPARE(mounter.requests.size(), 1);
        QCOMPARE(mounter.requests.first().spec.lower.size(), size_t(2));
        QCOMPARE(mounted.count(), 1);
        mounter.succeed = false;
        mounter.message = QStringLiteral("upper is on NFS");
        panel.mount();
        QVERIFY(finished.wait());
        QVERIFY(panel.messageBar()->text().contains(QStringLiteral("upper is on NFS")));
        QCOMPARE(mounted.count(), 1);
    }

    // With the privileged helper offered, the choice picks Mounter and backend.
    void mountThroughPrivilegedMounter()
    {
        test::FakeMounter user, helper;
        AssemblyPanel panel(&user);
        QVERIFY(!panel.mountChoice());
        panel.setPrivilegedMounter(&helper);
        QCOMPARE(panel.mountChoice()->count(), 3);
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("l1"));
        QDir(dir.path()).mkpath(QStringLiteral("l2"));
        panel.model()->addDirectories({dir.filePath(QStringLiteral("l1")), dir.filePath(QStringLiteral("l2"))});
        QTRY_COMPARE(panel.model()->rowCount(), 2); // probed in a worker
        panel.mountpointField()->setText(dir.filePath(QStringLiteral("mnt")));
        QSignalSpy mounted(&panel, &AssemblyPanel::mounted);
        panel.mountChoice()->setCurrentIndex(1);
        panel.mount();
        QTRY_COMPARE(mounted.count(), 1);
        QCOMPARE(user.requests.size(), 0);
        QCOMPARE(helper.requests.size(), 1);
        QCOMPARE(helper.requests.first().backend, app::Backend::Kernel);
        panel.mountChoice()->setCurrentIndex(2);
        panel.mount();
        QTRY_COMPARE(mounted.count(), 2);
        QCOMPARE(helper.requests.last().backend, app::Backend::StrataFuse);
        panel.unmount();
        QCOMPARE(helper.unmounts.size(), 1);
        QTest::qWait(10); // its answer is not taken for a mount
        panel.mountChoice()->setCurrentIndex(0);
        panel.mount();
        QTRY_COMPARE(mounted.count(), 3);
        QCOMPARE(user.requests.size(), 1);
        QCOMPARE(user.requests.first().backend, app::Backend::StrataFuse);
    }

    void userMounter()
    {
        app::MountRequest req;
        req.spec.lower = {"/l/a", "/l/b:c"};
        req.spec.upper = "/u";
        req.spec.work = "/w";
        req.mountpoint = QStringLiteral("/mnt");
        QCOMPARE(app::UserMounter::mountArguments(req),
                 (QStringList {QStringLiteral("-o"), QStringLiteral("lowerdir=/l/a:/l/b\\:c,upperdir=/u,workdir=/w"),
                               QStringLiteral("/mnt")}));

        // Without the engine the mount says so, asynchronously.
        app::UserMounter missing(nullptr, QStringLiteral("/nonexistent/strata-fuse"));
        QSignalSpy finished(&missing, &app::Mounter::finished);
        missing.mount(req);
        QVERIFY(finished.wait());
        const auto result = finished.first().at(1).value<app::MountResult>();
        QVERIFY(!result.ok);
        QVERIFY2(result.message.contains(QStringLiteral("strata-fuse")), qPrintable(result.message));

        // Kernel overlayfs is the privileged helper's job.
        app::UserMounter user;
        QVERIFY(!user.supports(app::Backend::Kernel));
        req.backend = app::Backend::Kernel;
        QSignalSpy refused(&user, &app::Mounter::finished);
        user.mount(req);
        QVERIFY(refused.wait());
        QVERIFY(!refused.first().at(1).value<app::MountResult>().ok);
    }

    void displayCheck()
    {
        const char *none[] = {"HOME=/root", nullptr};
        QString why;
        QVERIFY(!displayAvailable(none, &why));
        QVERIFY(why.contains(QStringLiteral("no display")));
        const char *x11[] = {"DISPLAY=:0", nullptr};
        QVERIFY(displayAvailable(x11, nullptr));
        const char *empty[] = {"WAYLAND_DISPLAY=", nullptr};
        QVERIFY(!displayAvailable(empty, nullptr));
        const char *offscreen[] = {"QT_QPA_PLATFORM=offscreen", nullptr};
        QVERIFY(displayAvailable(offscreen, nullptr));
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiWindow, strata::test::requireNothing)
#include "test_gui_window.moc"
