// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: Reload on a stack opened from a kernel overlay mount reads the mount
// table again. The mount is replaced under the same mount point by one with another
// lower layer and an upper; after Reload the layer list, the mount options view (the
// new mountinfo line, option by option, with layer identities) and the tree follow
// it, and the current entry is kept.
#include "guitestmain.h"
#include "kerneloverlay.h"
#include "layerstackmodel.h"
#include "mainwindow.h"
#include "reportviews.h"
#include "tempdir.h"
#include "testenv.h"
#include "treepanel.h"

#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::gui;
using strata::test::KernelOverlay;

namespace {

bool touch(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    return fd >= 0 && ::close(fd) == 0;
}

QString columnText(const RowTableModel *m, int column)
{
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->index(r, column).data().toString();
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestGuiReload : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;

    std::string p(const std::string &rel) const { return m_base + "/" + rel; }

private Q_SLOTS:
    void initTestCase()
    {
        m_tmp = std::make_unique<test::TempDir>("strata-gui-reload");
        m_base = m_tmp->path();
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        for (const char *d : {"l1", "l2", "l3", "up", "wk", "mnt", "l1/dir"})
            QVERIFY2(::mkdir(p(d).c_str(), 0755) == 0, d);
        QVERIFY(touch(p("l1/dir/kept")) && touch(p("l2/two")) && touch(p("l3/three")));
    }

    void reloadRereadsTheMount()
    {
        auto first = std::make_unique<KernelOverlay>(p("mnt"), std::vector<std::string> {p("l1"), p("l2")});
        QVERIFY2(first->ok(), first->error().c_str());

        MainWindow w(nullptr);
        w.show();
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openTarget(QString::fromStdString(p("mnt")));
        QVERIFY(opened.wait(20000));
        QCOMPARE(w.stackPanel()->model()->rowCount(), 2);
        ReportTab *options = w.reportViews()->optionsTab();
        w.reportViews()->setCurrentWidget(options);
        QTRY_VERIFY(!options->job()->isRunning() && options->model()->rowCount() > 0);
        QVERIFY(!columnText(options->model(), 1).contains(QString::fromStdString(p("l3"))));
        const int firstMountId = w.currentStack()->mount()->id;

        auto *model = w.treePanel()->model();
        QTreeView *view = w.treePanel()->view();
        QTRY_VERIFY(model->indexForPath("dir").isValid());
        view->expand(w.treePanel()->proxy()->mapFromSource(model->indexForPath("dir")));
        QTRY_VERIFY(w.treePanel()->selectPath("dir/kept"));

        // The same mount point, now with a third lower and an upper.
        QVERIFY2(first->unmount(), first->error().c_str());
        KernelOverlay second(p("mnt"), {p("l1"), p("l2"), p("l3")}, p("up"), p("wk"));
        QVERIFY2(second.ok(), second.error().c_str());

        QSignalSpy restored(&w, &MainWindow::placeRestored);
        w.reload();
        QVERIFY(restored.wait(20000));
        QCOMPARE(w.stackPanel()->model()->rowCount(), 4);
        QVERIFY(w.currentStack()->mount()->id != firstMountId);
        QVERIFY(w.currentStack()->hasUpper());
        QTRY_VERIFY(!options->job()->isRunning() && options->model()->rowCount() > 0);
        const QString values = columnText(options->model(), 1);
        QVERIFY2(values.contains(QString::fromStdString(p("l3"))), qPrintable(values));
        QVERIFY2(values.contains(QString::fromStdString(p("up"))), qPrintable(values));
        QVERIFY2(columnText(options->model(), 0).contains(QStringLiteral("upperdir")),
                 qPrintable(columnText(options->model(), 0)));
        QVERIFY(!columnText(options->model(), 3).isEmpty()); // layer identities
        QVERIFY(model->indexForPath("three").isValid());
        QCOMPARE(model->mergedPath(w.treePanel()->proxy()->mapToSource(view->currentIndex())), std::string("dir/kept"));
        QVERIFY(second.unmount());
    }

    void cleanupTestCase()
    {
        if (!m_base.empty())
            ::umount2(m_base.c_str(), MNT_DETACH);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiReload, test::requireKernelOverlay)
#include "test_gui_reload.moc"
