// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier (root): the app follows changes made directly on the lower layers of a
// real kernel overlay mount, watched by fanotify. With the tree's model under
// QAbstractItemModelTester: rows appear, vanish and change origin in place, the
// expanded directories and the current entry are kept, the details pane shows the
// new origin; the Changes dock lists the changes and filters them by layer and kind,
// and a line's activation selects its entry; the banner a lower change raises offers
// Verify, which finds the ghost the kernel mount really shows.
#include "changesdock.h"
#include "details.h"
#include "detailspane.h"
#include "guitestmain.h"
#include "kerneloverlay.h"
#include "livewatch.h"
#include "mainwindow.h"
#include "messagebar.h"
#include "tempdir.h"
#include "testenv.h"
#include "treepanel.h"
#include "verifyreport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::gui;
using strata::test::KernelOverlay;

namespace {

constexpr int kWait = 20000;

bool touch(const std::string &path, const char *content = "")
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const ssize_t n = ::write(fd, content, strlen(content));
    return ::close(fd) == 0 && n == ssize_t(strlen(content));
}

// The feed's lines, visible ones only, as "layer|path|what".
QStringList feedLines(const ChangesDock *dock)
{
    QStringList out;
    for (int i = 0; i < dock->feed()->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = dock->feed()->topLevelItem(i);
        if (!item->isHidden())
            out << item->text(ChangesDock::LayerColumn) + QLatin1Char('|') + item->text(ChangesDock::PathColumn)
                    + QLatin1Char('|') + item->text(ChangesDock::WhatColumn);
    }
    return out;
}

} // namespace

class TestGuiLive : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;

    std::string p(const std::string &rel) const { return m_base + "/" + rel; }

private Q_SLOTS:
    void initTestCase()
    {
        m_tmp = std::make_unique<test::TempDir>("strata-gui-live");
        m_base = m_tmp->path();
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        for (const char *d : {"l1", "l2", "up", "wk", "mnt", "l1/dir", "l2/dir", "l2/dir/sub", "l2/gone"})
            QVERIFY2(::mkdir(p(d).c_str(), 0755) == 0, d);
        QVERIFY(touch(p("l2/dir/a"), "lower a") && touch(p("l2/dir/b")) && touch(p("l2/dir/sub/x"))
                && touch(p("l1/dir/c")) && touch(p("l2/gone/inner")) && touch(p("l2/top")));
    }

    void treeAndDockFollowLowerChanges()
    {
        KernelOverlay ovl(p("mnt"), {p("l1"), p("l2")}, p("up"), p("wk"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());

        MainWindow w(nullptr);
        w.show();
        auto *model = w.treePanel()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        QSignalSpy watched(w.liveWatch(), &LiveWatch::directoryWatched);
        w.openTarget(QString::fromStdString(p("mnt")));
        QVERIFY(opened.wait(kWait));
        QTRY_VERIFY_WITH_TIMEOUT(w.liveWatch()->isRunning(), kWait);

        // How each layer is watched: as root, a fanotify filesystem mark.
        const QString header = w.changesDock()->header()->text();
        QVERIFY2(header.contains(QStringLiteral("fanotify")), qPrintable(header));

        QTreeView *view = w.treePanel()->view();
        auto *proxy = w.treePanel()->proxy();
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir").isValid(), kWait);
        view->expand(proxy->mapFromSource(model->indexForPath("dir")));
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/sub").isValid(), kWait);
        view->expand(proxy->mapFromSource(model->indexForPath("dir/sub")));
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/sub/x").isValid(), kWait);
        QVERIFY(w.treePanel()->selectPath("dir/a"));
        QCOMPARE(model->indexForPath("dir/a").data(MergedTreeModel::LayerRole).toInt(), 2);
        // The watcher has registered the loaded directories (root, dir, dir/sub).
        QTRY_VERIFY_WITH_TIMEOUT(watched.size() >= 3, kWait);

        // A lower gains a name, loses one, and the upper lower shadows another.
        QVERIFY(touch(p("l2/dir/new")));
        QVERIFY(::unlink(p("l2/dir/b").c_str()) == 0);
        QVERIFY(touch(p("l1/dir/a"), "l1's a, longer"));
        QVERIFY(touch(p("l2/dir/sub/y")));
        w.liveWatch()->flush();

        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/new").isValid(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!model->indexForPath("dir/b").isValid(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/sub/y").isValid(), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(model->indexForPath("dir/a").data(MergedTreeModel::LayerRole).toInt(), 1, kWait);

        // In place: what was expanded stays expanded, the current entry stays, and
        // the details pane shows the new origin.
        QVERIFY(view->isExpanded(proxy->mapFromSource(model->indexForPath("dir"))));
        QVERIFY(view->isExpanded(proxy->mapFromSource(model->indexForPath("dir/sub"))));
        QCOMPARE(model->mergedPath(proxy->mapToSource(view->currentIndex())), std::string("dir/a"));
        QTRY_VERIFY_WITH_TIMEOUT(
            detailsText(w.detailsPane()->sections(), true).contains(QString::fromStdString(p("l1"))), kWait);

        // The dock: every change, by layer (L1 = index 1 in the filter after "All").
        ChangesDock *dock = w.changesDock();
        QTRY_VERIFY_WITH_TIMEOUT(feedLines(dock).join(QLatin1Char('\n')).contains(QStringLiteral("/dir/new|")), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(feedLines(dock).join(QLatin1Char('\n')).contains(QStringLiteral("/dir/a|")), kWait);
        const QStringList all = feedLines(dock);
        QVERIFY2(all.join(QLatin1Char('\n')).contains(QStringLiteral("/dir/b|deleted")), qPrintable(all.join('\n')));
        dock->layerFilter()->setCurrentIndex(dock->layerFilter()->findData(1));
        const QStringList l1Lines = feedLines(dock);
        QVERIFY(!l1Lines.isEmpty());
        QVERIFY(l1Lines.size() < all.size());
        for (const QString &l : l1Lines)
            QVERIFY2(l.contains(QStringLiteral("/dir/a")), qPrintable(l));
        dock->layerFilter()->setCurrentIndex(0);
        dock->kindFilter()->setCurrentIndex(dock->kindFilter()->findData(
            uint(watch::ChangeDeleted | watch::ChangeMovedFrom | watch::ChangeDeletedSelf)));
        const QStringList deleted = feedLines(dock);
        QCOMPARE(deleted.size(), 1);
        QVERIFY2(deleted.front().contains(QStringLiteral("/dir/b")), qPrintable(deleted.front()));
        dock->kindFilter()->setCurrentIndex(0);
        QCOMPARE(feedLines(dock).size(), all.size());

        // A burst: a run of neighbours appears as one range, then half of it goes as
        // one; the rows stay in name order (checked by the tester and here).
        for (int k = 0; k < 20; ++k)
            QVERIFY(touch(p("l2/dir/r" + std::to_string(10 + k))));
        w.liveWatch()->flush();
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/r29").isValid(), kWait);
        QVERIFY(model->indexForPath("dir/r10").isValid());
        for (int k = 0; k < 10; ++k)
            QVERIFY(::unlink(p("l2/dir/r" + std::to_string(10 + k)).c_str()) == 0);
        w.liveWatch()->flush();
        QTRY_VERIFY_WITH_TIMEOUT(!model->indexForPath("dir/r19").isValid(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!model->indexForPath("dir/r10").isValid(), kWait);
        {
            const QModelIndex dirIndex = model->indexForPath("dir");
            QStringList names;
            for (int r = 0; r < model->rowCount(dirIndex); ++r)
                names << model->index(r, 0, dirIndex).data().toString();
            QStringList sorted = names;
            std::sort(sorted.begin(), sorted.end(),
                      [](const QString &a, const QString &b) { return a.toUtf8() < b.toUtf8(); });
            QCOMPARE(names, sorted);
            QCOMPARE(names.filter(QRegularExpression(QStringLiteral("^r[0-9]+$"))).size(), 10);
        }

        // Pause holds lines back; resuming shows them.
        dock->pauseButton()->setChecked(true);
        QVERIFY(touch(p("l2/dir/paused")));
        w.liveWatch()->flush();
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("dir/paused").isValid(), kWait);
        QVERIFY(!feedLines(dock).join(QLatin1Char('\n')).contains(QStringLiteral("/dir/paused|")));
        dock->pauseButton()->setChecked(false);
        QVERIFY(feedLines(dock).join(QLatin1Char('\n')).contains(QStringLiteral("/dir/paused|")));

        // Activating a line selects its entry in the tree.
        QTreeWidgetItem *newLine = nullptr;
        for (int i = 0; i < dock->feed()->topLevelItemCount(); ++i)
            if (dock->feed()->topLevelItem(i)->text(ChangesDock::PathColumn) == QStringLiteral("/dir/new"))
                newLine = dock->feed()->topLevelItem(i);
        QVERIFY(newLine);
        Q_EMIT dock->feed()->itemActivated(newLine, 0);
        QTRY_COMPARE_WITH_TIMEOUT(model->mergedPath(proxy->mapToSource(view->currentIndex())), std::string("dir/new"),
                                  kWait);

        // Clear empties the feed.
        dock->clearButton()->click();
        QCOMPARE(dock->feed()->topLevelItemCount(), 0);

        // A lower changed under a kernel overlay mount: the banner says so.
        QTRY_VERIFY_WITH_TIMEOUT(w.staleBanner()->isVisible(), kWait);
        QVERIFY2(w.staleBanner()->text().contains(QStringLiteral("stale")), qPrintable(w.staleBanner()->text()));
        QVERIFY(w.verifyButton()->isVisible());

        // A real ghost: the mount has the merged root's listing and gone/'s dentry
        // cached (held open) when the lower dir is removed underneath.
        DIR *held = ::opendir(ovl.target().c_str());
        QVERIFY(held);
        while (::readdir(held)) { }
        struct stat st {};
        QCOMPARE(::stat((ovl / "gone/inner").c_str(), &st), 0);
        std::error_code ec;
        std::filesystem::remove_all(p("l2/gone"), ec);
        QVERIFY(!ec);
        w.liveWatch()->flush();
        QTRY_VERIFY_WITH_TIMEOUT(!model->indexForPath("gone").isValid(), kWait);

        w.verifyButton()->click();
        VerifyReport *report = w.verifyReport();
        QVERIFY(report);
        QVERIFY(report->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!report->job()->isRunning(), kWait);
        ::closedir(held);
        bool ghost = false;
        for (int i = 0; i < report->list()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *item = report->list()->topLevelItem(i);
            if (item->data(VerifyReport::KindColumn, Qt::UserRole).toString() == QStringLiteral("ghost")
                && item->text(VerifyReport::PathColumn) == QStringLiteral("/gone"))
                ghost = true;
        }
        QVERIFY2(ghost, qPrintable(report->status()->text()));
        QVERIFY2(report->status()->text().contains(QStringLiteral("differs")), qPrintable(report->status()->text()));
        report->close();
        QVERIFY(ovl.unmount());
    }

    void cleanupTestCase()
    {
        if (!m_base.empty())
            ::umount2(m_base.c_str(), MNT_DETACH);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiLive, test::requireKernelOverlay)
#include "test_gui_live.moc"
