// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: the whiteouts view of the app and `stratactl whiteouts` give the same
// list (both come from core's collectWhiteouts) for a stack whose layers the kernel
// wrote through overlay mounts: 0/0 whiteouts from unlink in three layers, an opaque
// dir from rmdir + mkdir, xattr whiteouts in an opaque=x dir of a middle layer, and
// names a higher layer made again over a 0/0 and over an xattr whiteout. The
// kernel's view of the live mount is checked first, so the fixture means what the
// test says it means.
#include "clirunner.h"
#include "guitestmain.h"
#include "kerneloverlay.h"
#include "layerbuilder.h"
#include "reportviews.h"
#include "stack/layerstack.h"
#include "tempdir.h"
#include "testenv.h"

#include <QJsonArray>
#include <QTableView>
#include <QTest>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::gui;
using strata::test::KernelOverlay;
using strata::test::LayerBuilder;

namespace {

bool exists(const std::string &path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

int layerOf(const QString &label)
{
    return label == QLatin1String("upper") ? 0 : label.mid(1).toInt();
}

// One whiteout as a line both sides can be reduced to.
QString cliLine(const QJsonObject &w)
{
    QStringList hides;
    for (const auto &h : w[QLatin1String("hides")].toArray())
        hides
            << QStringLiteral("%1:%2").arg(h[QLatin1String("layer")].toInt()).arg(h[QLatin1String("type")].toString());
    return QStringList {QLatin1Char('/') + w[QLatin1String("path")].toString(),
                        QString::number(w[QLatin1String("layer")].toInt()),
                        w[QLatin1String("kind")].toString(),
                        w[QLatin1String("shared")].toBool() ? QStringLiteral("shared") : QStringLiteral("single"),
                        w[QLatin1String("in_effect")].toBool()
                            ? QStringLiteral("deletes")
                            : QStringLiteral("covered:%1").arg(w[QLatin1String("covered_by")].toInt()),
                        hides.join(QLatin1Char(','))}
        .join(QLatin1Char('|'));
}

// The same from the cells the view shows (Path, Layer, Kind, Status, Hides).
QString guiLine(const RowTableModel *m, int row)
{
    auto cell = [&](int c) { return m->index(row, c).data().toString(); };
    const QString kind = cell(2);
    const QString status = cell(3);
    QStringList hides;
    if (!cell(4).startsWith(QLatin1String("nothing")))
        for (const QString &h : cell(4).split(QStringLiteral(", "))) {
            const QStringList parts = h.split(QLatin1Char(' '));
            hides << QStringLiteral("%1:%2").arg(layerOf(parts.value(0))).arg(parts.value(1));
        }
    return QStringList {cell(0),
                        QString::number(layerOf(cell(1))),
                        kind.startsWith(QLatin1String("xattr")) ? QStringLiteral("xattr") : QStringLiteral("0/0"),
                        kind.contains(QLatin1String("shared")) ? QStringLiteral("shared") : QStringLiteral("single"),
                        status == QLatin1String("deletes")
                            ? status
                            : QStringLiteral("covered:%1").arg(layerOf(status.section(QLatin1Char(' '), -1))),
                        hides.join(QLatin1Char(','))}
        .join(QLatin1Char('|'));
}

} // namespace

class TestGuiWhiteouts : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;
    std::unique_ptr<KernelOverlay> m_live;

    std::string p(const std::string &rel) const { return m_base + "/" + rel; }

private Q_SLOTS:
    void initTestCase()
    {
        ::umask(022);
        m_tmp = std::make_unique<test::TempDir>("strata-gui-whiteouts");
        m_base = m_tmp->path();
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0); // trusted.* xattrs
        for (const char *d : {"l1", "l2", "up", "w1", "w2", "w3", "mnt"})
            QVERIFY2(::mkdir(p(d).c_str(), 0755) == 0, d);
        const LayerBuilder l3(p("l3"), ovl::Namespace::Trusted);
        for (const char *f : {"a.txt", "gone.txt", "d/x", "d/y", "keep/z", "opq/o1", "xw/k", "xw/r", "xw/stay"})
            QCOMPARE(l3.file(f, "bottom"), std::string());

        // The middle layer, written by the kernel: two whiteouts and an opaque dir.
        {
            KernelOverlay ovl(p("mnt"), {p("l3")}, p("l2"), p("w1"));
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::unlink((ovl / "a.txt").c_str()), 0);
            QCOMPARE(::unlink((ovl / "gone.txt").c_str()), 0);
            QCOMPARE(::unlink((ovl / "opq/o1").c_str()), 0);
            QCOMPARE(::rmdir((ovl / "opq").c_str()), 0);
            QCOMPARE(::mkdir((ovl / "opq").c_str(), 0755), 0); // opaque=y
        }
        // xattr whiteouts in an opaque=x dir of the middle layer (the kernel reads
        // them in lowers; it never writes them itself).
        const LayerBuilder l2(p("l2"), ovl::Namespace::Trusted);
        QCOMPARE(l2.opaque("xw", true), std::string());
        QCOMPARE(l2.xattrWhiteout("xw/k"), std::string());
        QCOMPARE(l2.xattrWhiteout("xw/r"), std::string());
        // The layer above makes names again: a.txt over a 0/0 whiteout, xw/r over
        // an xattr whiteout; and deletes d/x.
        {
            KernelOverlay ovl(p("mnt"), {p("l2"), p("l3")}, p("l1"), p("w2"));
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QVERIFY(::close(::open((ovl / "a.txt").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0);
            QVERIFY(::close(::open((ovl / "xw/r").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0);
            QCOMPARE(::unlink((ovl / "d/x").c_str()), 0);
        }
        // The live mount, whose upper deletes one more name.
        m_live = std::make_unique<KernelOverlay>(p("mnt"), std::vector<std::string> {p("l1"), p("l2"), p("l3")},
                                                 p("up"), p("w3"));
        QVERIFY2(m_live->ok(), m_live->error().c_str());
        QCOMPARE(::unlink((*m_live / "keep/z").c_str()), 0);
    }

    void kernelAgreesWithTheFixture()
    {
        QVERIFY(exists(*m_live / "a.txt")); // made again above its whiteout
        QVERIFY(exists(*m_live / "xw/r")); // made again above its xattr whiteout
        QVERIFY(exists(*m_live / "xw/stay"));
        QVERIFY(!exists(*m_live / "xw/k")); // deleted by an xattr whiteout
        QVERIFY(!exists(*m_live / "gone.txt"));
        QVERIFY(!exists(*m_live / "d/x"));
        QVERIFY(!exists(*m_live / "keep/z"));
        QVERIFY(exists(*m_live / "opq") && !exists(*m_live / "opq/o1"));
    }

    void guiAndCliListTheSameWhiteouts()
    {
        const test::CliRun cli
            = test::runCli({QStringLiteral("whiteouts"), test::qpath(p("mnt")), QStringLiteral("--json")});
        QVERIFY2(cli.jsonOk, cli.describe().constData());
        QStringList expected;
        for (const auto &w : cli.json[QLatin1String("whiteouts")].toArray())
            expected << cliLine(w.toObject());

        auto stack = stack::LayerStack::fromMount(p("mnt"));
        QVERIFY2(stack.has_value(), stack ? "" : stack.error().message().c_str());
        ReportViews views;
        views.setStack(*stack);
        views.show();
        views.setCurrentWidget(views.whiteoutsTab());
        const RowTableModel *model = views.whiteoutsTab()->model();
        QTRY_VERIFY_WITH_TIMEOUT(!views.whiteoutsTab()->job()->isRunning() && model->rowCount() > 0, 20000);
        QStringList shown;
        for (int r = 0; r < model->rowCount(); ++r)
            shown << guiLine(model, r);
        QCOMPARE(shown, expected);

        // The fixture's cases all reached the list. (Whether the kernel shared one
        // whiteout inode between its 0/0 whiteouts is its choice: not checked.)
        auto has = [&](const QString &path, const QString &rest) {
            return std::any_of(expected.begin(), expected.end(), [&](const QString &l) {
                QStringList f = l.split(QLatin1Char('|'));
                f.removeAt(3);
                return f.join(QLatin1Char('|')) == path + QLatin1Char('|') + rest;
            });
        };
        const QByteArray all = expected.join(QLatin1Char('\n')).toUtf8();
        QVERIFY2(has(QStringLiteral("/a.txt"), QStringLiteral("2|0/0|covered:1|3:file")), all.constData());
        QVERIFY2(has(QStringLiteral("/xw/r"), QStringLiteral("2|xattr|covered:1|3:file")), all.constData());
        QVERIFY2(has(QStringLiteral("/xw/k"), QStringLiteral("2|xattr|deletes|3:file")), all.constData());
        QVERIFY2(has(QStringLiteral("/gone.txt"), QStringLiteral("2|0/0|deletes|3:file")), all.constData());
        QVERIFY2(has(QStringLiteral("/d/x"), QStringLiteral("1|0/0|deletes|3:file")), all.constData());
        QVERIFY2(has(QStringLiteral("/keep/z"), QStringLiteral("0|0/0|deletes|3:file")), all.constData());
        // Inside the opaque dir nothing of the layer below is reached: the
        // whiteout of opq/o1 went with the rmdir.
        QVERIFY2(!all.contains("/opq/"), all.constData());
    }

    void cleanupTestCase()
    {
        if (m_live)
            QVERIFY2(m_live->unmount(), m_live->error().c_str());
        m_live.reset();
        if (!m_base.empty())
            ::umount2(m_base.c_str(), MNT_DETACH);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiWhiteouts, test::requireKernelOverlay)
#include "test_gui_whiteouts.moc"
