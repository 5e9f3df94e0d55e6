// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier (root): a layer on a FUSE filesystem (bindfs) is polled, says why, and
// the view converges on changes made behind it; lost events (the kernel's queue
// overflowing with fanotify and with inotify, and the watcher's own bound) are
// reported as an overflow and a rescan recovers the exact view.
#include "testenv.h"
#include "testmain.h"
#include "watchfixture.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <cstdio>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;
using namespace strata::watch;

namespace {

// Sets a sysctl for as long as it lives; restores the old value (a watcher group
// reads its limit when it is created, so the window is short).
class SysctlGuard {
public:
    SysctlGuard(std::string path, const std::string &value)
        : m_path(std::move(path))
    {
        std::ifstream in(m_path);
        if (!(in >> m_old))
            return;
        std::ofstream out(m_path);
        m_ok = static_cast<bool>(out << value);
    }
    ~SysctlGuard() { restore(); }
    void restore()
    {
        if (m_ok) {
            std::ofstream out(m_path);
            out << m_old;
            m_ok = false;
        }
    }
    bool ok() const { return m_ok; }

private:
    std::string m_path;
    std::string m_old;
    bool m_ok = false;
};

// Makes `n` directories in `dir` named `prefix`N: each makes the watcher register
// and list it, so the watcher falls behind the kernel's queue.
bool burst(const std::string &dir, const std::string &prefix, int n)
{
    for (int i = 0; i < n; ++i)
        if (::mkdir((dir + "/" + prefix + std::to_string(i)).c_str(), 0755) != 0)
            return false;
    return true;
}

} // namespace

class TestWatchSources : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fuseLayerIsPolled()
    {
        if (const std::string why = requireFuse(); !why.empty())
            QSKIP(why.c_str());
        if (QStandardPaths::findExecutable("bindfs").isEmpty())
            QSKIP("bindfs is not installed");
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        // The last lower, served through bindfs: changes to its backing dir reach no
        // event on the FUSE mount.
        const std::string back = fx.layerDir(2);
        const std::string fuse = fx.fsRoot() + "/fuse";
        QCOMPARE(::mkdir(fuse.c_str(), 0755), 0);
        QCOMPARE(QProcess::execute("bindfs", {QString::fromStdString(back), QString::fromStdString(fuse)}), 0);
        stack::StackSpec spec;
        spec.lower = {fx.layerDir(1), fuse};
        spec.upper = fx.layerDir(0);
        spec.work = fx.fsRoot() + "/work";
        spec.xattrNamespace = ovl::Namespace::Trusted;
        auto st = stack::LayerStack::fromSpec(spec);
        QVERIFY2(st, st ? "" : st.error().message().c_str());
        fx.setStack(*st);
        WatchOptions opts;
        opts.pollInterval = std::chrono::milliseconds(100);
        const std::string started = fx.start(std::nullopt, opts);
        QVERIFY2(started.empty(), started.c_str());
        const LayerWatch &lw = fx.watcher().layers()[2];
        QCOMPARE(lw.method, Method::Polling);
        QVERIFY2(lw.reason.find("FUSE") != std::string::npos, lw.reason.c_str());
        QVERIFY(fx.watcher().layers()[1].method != Method::Polling);

        // Behind FUSE: a new file, a removed one, a new dir with a file inside.
        QCOMPARE(LayerBuilder(back).file("polled-new", "p"), std::string());
        QCOMPARE(::unlink((back + "/f2").c_str()), 0);
        QCOMPARE(LayerBuilder(back).file("pdir/inner", "i"), std::string());
        const auto effects = fx.collectUntil(
            [](const std::vector<Effect> &es) {
                const auto a = effectFor(es, "polled-new");
                const auto b = effectFor(es, "f2");
                const auto c = effectFor(es, "pdir/inner");
                return a && (a->kinds & EffectAppeared) && b && (b->kinds & EffectVanished) && c
                    && (c->kinds & EffectAppeared);
            },
            10000);
        QVERIFY(effectFor(effects, "polled-new"));
        QVERIFY(effectFor(effects, "f2"));
        QVERIFY(effectFor(effects, "pdir/inner"));
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
        fx.stopWatching();
        ::umount2(fuse.c_str(), MNT_DETACH);
    }

    // The watcher's own bound: changes nobody takes pile up to maxPending, then the
    // layer is reported dirty and a rescan brings the view back.
    void ownQueueBound()
    {
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        WatchOptions opts;
        opts.maxPending = 16;
        QVERIFY(fx.start(std::nullopt, opts).empty());
        for (int i = 0; i < 200; ++i)
            QCOMPARE(LayerBuilder(fx.layerDir(1)).file("many/f" + std::to_string(i), "x"), std::string());
        const auto effects = fx.collect();
        QVERIFY(!fx.overflows.empty());
        QVERIFY(std::find(fx.overflows.front().begin(), fx.overflows.front().end(), 1) != fx.overflows.front().end());
        QVERIFY(fx.tracker().factsOf("many/f199"));
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(!effects.empty());
    }

    void kernelQueueOverflow_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QString>("sysctl");
        QTest::newRow("fanotify") << static_cast<int>(Method::Fanotify)
                                  << QStringLiteral("/proc/sys/fs/fanotify/max_queued_events");
        QTest::newRow("inotify") << static_cast<int>(Method::Inotify)
                                 << QStringLiteral("/proc/sys/fs/inotify/max_queued_events");
    }

    void kernelQueueOverflow()
    {
        QFETCH(int, method);
        QFETCH(QString, sysctl);
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        {
            // Only the groups created now get the small queue.
            SysctlGuard small(sysctl.toStdString(), "16");
            if (!small.ok())
                QSKIP("cannot lower the kernel's queue limit here");
            const std::string started = fx.start(static_cast<Method>(method));
            small.restore();
            QVERIFY2(started.empty(), started.c_str());
        }
        QCOMPARE(fx.watcher().layers()[1].method, static_cast<Method>(method));
        // Bursts until the kernel drops events (each is far past 16 events); bounded.
        for (int round = 0; round < 20 && fx.overflows.empty(); ++round) {
            QVERIFY(burst(fx.layerDir(1) + "/d1", "r" + std::to_string(round) + "-", 400));
            fx.collect();
        }
        QVERIFY2(!fx.overflows.empty(), "no overflow after 20 bursts of 400 mkdirs into a queue of 16");
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestWatchSources, requireRoot)
#include "test_watch_sources.moc"
