// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: golden text dumps of what the app shows for a stack whose layers were
// written by real kernel overlayfs (whiteouts, an opaque dir, a renamed (redirected)
// dir, a copied-up file, a metacopy chown, an index=on hard link): the merged tree
// model as dumpModel renders it, and the details of chosen entries. Volatile facts
// (inode and device numbers, times, handle bytes) are left out by the dump itself.
//
// STRATA_REGENERATE_GOLDEN=1 rewrites tests/gui/golden/ from this run; review the
// diff by eye: every fact there must be what the kernel did.
#include "details.h"
#include "guitesthelpers.h"
#include "guitestmain.h"
#include "kerneloverlay.h"
#include "mergedtreemodel.h"
#include "tempdir.h"
#include "testenv.h"
#include "treedump.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <cstdio>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::gui;
using strata::test::KernelOverlay;

namespace {

bool writeFile(const std::string &path, const std::string &content, bool append = false)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.data(), content.size()) == ssize_t(content.size());
    ::close(fd);
    return ok;
}

QString goldenPath(const QString &name)
{
    return QString::fromStdString(test::sourceDir()) + QStringLiteral("/tests/gui/golden/") + name;
}

// Compares `actual` (the temporary directory masked) with the golden file, or
// rewrites it when asked to.
void compareGolden(const QString &name, QString actual, const std::string &base)
{
    actual.replace(QString::fromStdString(base), QStringLiteral("$TMP"));
    const QString path = goldenPath(name);
    if (qEnvironmentVariableIntValue("STRATA_REGENERATE_GOLDEN") == 1) {
        QFile out(path);
        QVERIFY2(out.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
        out.write(actual.toUtf8());
        qInfo("rewrote %s", qPrintable(path));
        return;
    }
    QFile in(path);
    QVERIFY2(in.open(QIODevice::ReadOnly),
             qPrintable(path + QStringLiteral(": missing; run with STRATA_REGENERATE_GOLDEN=1")));
    const QString expected = QString::fromUtf8(in.readAll());
    if (actual != expected)
        std::fprintf(stderr, "--- golden %s\n%s--- actual\n%s", qPrintable(name), qPrintable(expected),
                     qPrintable(actual));
    QCOMPARE(actual, expected);
}

} // namespace

class TestGuiGolden : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;
    std::shared_ptr<const stack::LayerStack> m_stack;

    std::string p(const std::string &rel) const { return m_base + "/" + rel; }

private Q_SLOTS:
    void initTestCase()
    {
        ::umask(022);
        m_tmp = std::make_unique<test::TempDir>("strata-gui-golden");
        m_base = m_tmp->path();
        // A tmpfs of our own: trusted.* xattrs and file handles (index=on) work there.
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        for (const char *d : {"l2", "l1", "up", "wk", "mnt", "l2/etc", "l2/docs", "l2/cache", "l2/app", "l2/app/bin",
                              "l2/data", "l1/etc"})
            QVERIFY2(::mkdir(p(d).c_str(), 0755) == 0, d);
        // The bottom layer, then a middle one that replaces a file.
        QVERIFY(writeFile(p("l2/etc/passwd"), "root:x:0:0::/root:/bin/sh\n"));
        QVERIFY(writeFile(p("l2/etc/hosts"), "127.0.0.1 localhost\n"));
        QVERIFY(writeFile(p("l2/docs/readme"), "read me\n"));
        QVERIFY(writeFile(p("l2/docs/old.txt"), "old\n"));
        QVERIFY(writeFile(p("l2/cache/a"), "aaaa"));
        QVERIFY(writeFile(p("l2/cache/b"), "bb"));
        QVERIFY(writeFile(p("l2/app/bin/tool"), "#!/bin/sh\n"));
        QVERIFY(writeFile(p("l2/data/big"), std::string(10000, 'x')));
        QVERIFY(writeFile(p("l2/data/linked"), "one inode, two names\n"));
        QVERIFY(::link(p("l2/data/linked").c_str(), p("l2/data/linked2").c_str()) == 0);
        QVERIFY(writeFile(p("l1/etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n"));
        QVERIFY(writeFile(p("l1/extra.txt"), "from the middle layer\n"));

        // Everything else is done by the kernel, through the mount.
        {
            KernelOverlay ovl(p("mnt"), {p("l1"), p("l2")}, p("up"), p("wk"),
                              {"redirect_dir=on", "metacopy=on", "index=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QVERIFY(::unlink((ovl / "docs/old.txt").c_str()) == 0); // whiteout
            QVERIFY(::unlink((ovl / "cache/a").c_str()) == 0);
            QVERIFY(::unlink((ovl / "cache/b").c_str()) == 0);
            QVERIFY(::rmdir((ovl / "cache").c_str()) == 0);
            QVERIFY(::mkdir((ovl / "cache").c_str(), 0755) == 0); // opaque
            QVERIFY(writeFile(ovl / "cache/new", "fresh\n"));
            QVERIFY(::rename((ovl / "app/bin").c_str(), (ovl / "app/libexec").c_str()) == 0); // redirect
            QVERIFY(writeFile(ovl / "etc/passwd", "user:x:1000:1000::/home/user:/bin/sh\n", true)); // copy-up
            QVERIFY(::chown((ovl / "data/big").c_str(), 1000, 1000) == 0); // metacopy
            QVERIFY(writeFile(ovl / "data/linked", "changed\n", true)); // indexed copy-up of a hard link
            QVERIFY(writeFile(ovl / "new.txt", "created in the upper\n"));
            QVERIFY2(ovl.unmount(), ovl.error().c_str());
        }
        stack::StackSpec spec;
        spec.lower = {p("l1"), p("l2")};
        spec.upper = p("up");
        spec.work = p("wk");
        spec.options = {{"redirect_dir", "on"}, {"metacopy", "on"}, {"index", "on"}};
        auto opened = stack::LayerStack::fromSpec(spec);
        QVERIFY2(opened, opened ? "" : opened.error().message().c_str());
        m_stack = *opened;
    }
    void cleanupTestCase()
    {
        m_stack.reset();
        if (m_tmp)
            ::umount2(m_base.c_str(), MNT_DETACH);
        m_tmp.reset();
    }

    void tree()
    {
        MergedTreeModel model;
        model.setTree(std::make_shared<stack::MergedTree>(m_stack));
        QVERIFY(test::fetchAll(model, model));
        compareGolden(
            QStringLiteral("kernel-tree.txt"),
            dumpModel(model,
                      {MergedTreeModel::NameColumn, MergedTreeModel::LayerColumn, MergedTreeModel::StateColumn,
                       MergedTreeModel::SizeColumn, MergedTreeModel::ModeColumn, MergedTreeModel::OwnerColumn}),
            m_base);
    }

    void details_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("whiteout") << QStringLiteral("docs/old.txt");
        QTest::newRow("opaque") << QStringLiteral("cache");
        QTest::newRow("redirect") << QStringLiteral("app/libexec");
        QTest::newRow("copyup") << QStringLiteral("etc/passwd");
        QTest::newRow("metacopy") << QStringLiteral("data/big");
        QTest::newRow("hardlink") << QStringLiteral("data/linked");
        QTest::newRow("hardlink2") << QStringLiteral("data/linked2");
        QTest::newRow("middle") << QStringLiteral("etc/hosts");
        QTest::newRow("upperonly") << QStringLiteral("new.txt");
    }
    void details()
    {
        QFETCH(QString, path);
        MergedTreeModel model;
        model.setTree(std::make_shared<stack::MergedTree>(m_stack));
        QVERIFY(test::fetchAll(model, model));
        const QModelIndex index = model.indexForPath(path.toStdString());
        QVERIFY2(index.isValid(), qPrintable(path));
        const stack::MergedEntry *e = model.readEntry(index);
        QVERIFY(e);
        compareGolden(QStringLiteral("kernel-details-%1.txt").arg(QString::fromLatin1(QTest::currentDataTag())),
                      detailsText(entryDetails(*m_stack, path.toStdString(), *e), false), m_base);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiGolden, test::requireKernelOverlay)
#include "test_gui_golden.moc"
