// SPDX-License-Identifier: GPL-2.0-or-later
// -o lowerwatch: a change made directly on a lower layer (the middle or the last of
// three) while strata-fuse is mounted shows in the mount. Each change kind, with
// each watch method (fanotify, inotify, polling: STRATA_WATCH_METHOD): the whole
// union is first read (so the kernel and the engine hold every entry, attribute
// and listing), the lower is changed, and the union is read again until it equals
// a fresh kernel overlay mount of the same layers (the upper as the top lower,
// read-only), at most kConvergeMs; the time taken is printed. With lowerwatch=off
// the same changes must at least not break the mount.
#include "freshview.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr int kConvergeMs = 10000;

// Reads the whole union until it equals a fresh kernel mount of its three lowers.
std::string converge(const UnionFixture &u, qint64 *ms)
{
    long long t = 0;
    std::string why = convergeToFresh(u, 3, {}, kConvergeMs, &t);
    *ms = t;
    return why;
}

// Stats the union's `path` (never reading it) until its size and mode are those of
// the lower file `real`, at most kConvergeMs.
std::string attributesConverge(const std::string &path, const std::string &real, qint64 *ms)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        struct stat want {}, got {};
        if (::lstat(real.c_str(), &want) != 0 || ::lstat(path.c_str(), &got) != 0)
            return "cannot stat " + path + " or " + real;
        if (want.st_size == got.st_size && want.st_mode == got.st_mode) {
            *ms = t.elapsed();
            return {};
        }
        if (t.elapsed() > kConvergeMs)
            return path + ": size " + std::to_string(got.st_size) + " mode " + std::to_string(got.st_mode)
                + ", the lower file's " + std::to_string(want.st_size) + " " + std::to_string(want.st_mode);
        QTest::qWait(10);
    }
}

// The layers before each change: files and directories in the middle (1) and last
// (2) lowers, one directory merged from both, a lower directory the upper holds a
// file beneath (written through the mount).
void buildLayers(const UnionFixture &u)
{
    for (int l = 1; l <= 2; ++l) {
        const std::string L = u.lower(l) + "/";
        const std::string tag = std::to_string(l);
        writeFile(L + "f" + tag, "file " + tag);
        writeFile(L + "d" + tag + "/g", "in d" + tag);
        writeFile(L + "d" + tag + "/h", "h in d" + tag);
        writeFile(L + "shared/s" + tag, "shared " + tag);
        writeFile(L + "kept" + tag + "/low", "low");
        writeFile(L + "deep" + tag + "/sub/z", "z in deep" + tag);
    }
    writeFile(u.lower(2) + "/only2/x", "x");
    writeFile(u.lower(0) + "/top", "top");
}

using Change = std::function<void(const std::string &lower, const std::string &tag)>;

struct Kind {
    const char *name;
    Change change;
};

const std::vector<Kind> &kinds()
{
    static const std::vector<Kind> k = {
        {"create file", [](const std::string &L, const std::string &t) { writeFile(L + "/d" + t + "/new", "new"); }},
        {"create file at root", [](const std::string &L, const std::string &t) { writeFile(L + "/rootnew" + t, "r"); }},
        {"remove file", [](const std::string &L, const std::string &t) { ::unlink((L + "/d" + t + "/g").c_str()); }},
        {"rename file",
         [](const std::string &L, const std::string &t) {
             ::rename((L + "/d" + t + "/g").c_str(), (L + "/d" + t + "/renamed").c_str());
         }},
        {"rename dir",
         [](const std::string &L, const std::string &t) {
             ::rename((L + "/d" + t).c_str(), (L + "/moved" + t).c_str());
         }},
        {"modify content and size",
         [](const std::string &L, const std::string &t) { writeFile(L + "/f" + t, "changed, and longer"); }},
        {"chmod", [](const std::string &L, const std::string &t) { ::chmod((L + "/f" + t).c_str(), 0600); }},
        {"mkdir with a file",
         [](const std::string &L, const std::string &t) { writeFile(L + "/newdir" + t + "/inner", "i"); }},
        {"new merged dir",
         // A directory appears in this layer where another lower already shows one.
         [](const std::string &L, const std::string &) { writeFile(L + "/only2/joined", "j"); }},
        {"join the other lower's dir",
         // lower 2 gains d1 beneath lower 1's: the union directory keeps its key and
         // gains a lower; lower 1 gains d2 above lower 2's: it gets a new key.
         [](const std::string &L, const std::string &t) {
             writeFile(L + "/d" + std::string(t == "1" ? "2" : "1") + "/joined", "j");
         }},
        {"a lower dir appears beneath a known subdirectory",
         // The other lower's deep<N>/sub is held by the kernel (listed); this layer
         // had no deep<N> at all: the event names deep<N> at the root only, and the
         // known deep<N>/sub must gain this layer's dir too.
         [](const std::string &L, const std::string &t) {
             writeFile(L + "/deep" + std::string(t == "1" ? "2" : "1") + "/sub/joined", "j");
         }},
        {"opaque set on a lower dir above a known subdirectory",
         [](const std::string &L, const std::string &t) {
             const std::string d = L + "/deep" + std::string(t == "1" ? "2" : "1");
             writeFile(d + "/sub/above", "a");
             ::setxattr(d.c_str(), "trusted.overlay.opaque", "y", 1, 0);
         }},
        {"remove dir", [](const std::string &L, const std::string &t) { std::filesystem::remove_all(L + "/d" + t); }},
        {"remove dir the upper holds files beneath",
         [](const std::string &L, const std::string &t) { std::filesystem::remove_all(L + "/kept" + t); }},
    };
    return k;
}

} // namespace

class TestEngineLowerWatch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lowerChangeShows_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("layer");
        QTest::addColumn<int>("kind");
        for (const char *method : {"fanotify", "inotify", "polling"})
            for (int layer : {1, 2})
                for (size_t k = 0; k < kinds().size(); ++k)
                    QTest::addRow("%s, lower %d, %s", method, layer, kinds()[k].name)
                        << QString::fromLatin1(method) << layer << static_cast<int>(k);
    }

    void lowerChangeShows()
    {
        QFETCH(QString, method);
        QFETCH(int, layer);
        QFETCH(int, kind);
        if (method == "fanotify" && ::geteuid() != 0)
            QSKIP("fanotify filesystem marks need root");
        UnionFixture u(3);
        buildLayers(u);
        qputenv("STRATA_WATCH_METHOD", method.toLatin1());
        const bool mounted = u.mountFuse();
        qunsetenv("STRATA_WATCH_METHOD");
        QVERIFY2(mounted, u.daemonLog().c_str());
        // The upper holds a file beneath each "kept" directory (and copies of nothing else).
        writeFile(u.path("kept" + std::to_string(layer) + "/up"), "up");
        qint64 ms = 0;
        std::string why = converge(u, &ms);
        QVERIFY2(why.empty(), why.c_str());
        (void)snapshot(u.mnt()); // every entry, attribute and listing now cached

        const std::string tag = std::to_string(layer);
        // Reading a file makes the kernel ask for its attributes again (atime): the
        // snapshot alone cannot see stale attributes. So the file f<tag> is stat'ed
        // after the read, and then only stat'ed until it shows the lower's.
        const std::string f = u.path("f" + tag);
        struct stat before {};
        QCOMPARE(::lstat(f.c_str(), &before), 0);
        kinds()[static_cast<size_t>(kind)].change(u.lower(layer), tag);
        why = attributesConverge(f, u.lower(layer) + "/f" + tag, &ms);
        QVERIFY2(why.empty(), why.c_str());
        why = converge(u, &ms);
        QVERIFY2(why.empty(), (why + "\n" + u.daemonLog()).c_str());
        qInfo("converged in %lld ms", static_cast<long long>(ms));
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        // Start-up says how each lower is watched (numbered from the top, 1-based).
        QVERIFY2(u.daemonLog().find("lowerwatch: lower 3 (") != std::string::npos, u.daemonLog().c_str());
    }

    // Direct lower changes mixed with changes made through the union (copy-up,
    // whiteout, directory rename with a redirect, new directory), each step
    // compared with a fresh kernel mount.
    void mixedWithUnionChanges()
    {
        UnionFixture u(3);
        buildLayers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const std::string L1 = u.lower(1) + "/", L2 = u.lower(2) + "/";
        const std::vector<std::pair<const char *, std::function<bool()>>> steps = {
            {"lower 1: create d1/a",
             [&] {
                 writeFile(L1 + "d1/a", "a");
                 return true;
             }},
            {"union: copy up d1/h",
             [&] {
                 writeFile(u.path("d1/h"), "through the union");
                 return true;
             }},
            {"lower 1: rewrite d1/h beneath its copy-up",
             [&] {
                 writeFile(L1 + "d1/h", "hidden now");
                 return true;
             }},
            {"union: remove d1/g", [&] { return ::unlink(u.path("d1/g").c_str()) == 0; }},
            {"lower 1: d1/g again beneath the whiteout",
             [&] {
                 writeFile(L1 + "d1/g", "hidden");
                 return true;
             }},
            {"union: rename d2 (redirect)",
             [&] { return ::rename(u.path("d2").c_str(), u.path("d2moved").c_str()) == 0; }},
            {"lower 2: create d2/late (shown as d2moved/late)",
             [&] {
                 writeFile(L2 + "d2/late", "l");
                 return true;
             }},
            {"lower 2: remove d2/h", [&] { return ::unlink((L2 + "d2/h").c_str()) == 0; }},
            {"union: mkdir fresh", [&] { return ::mkdir(u.path("fresh").c_str(), 0755) == 0; }},
            {"lower 1: create fresh/below (merges with the new union dir)",
             [&] {
                 writeFile(L1 + "fresh/below", "b");
                 return true;
             }},
            {"lower 2: remove shared", [&] { return std::filesystem::remove_all(L2 + "shared") > 0; }},
        };
        for (const auto &[what, step] : steps) {
            (void)snapshot(u.mnt()); // everything cached before the step
            QVERIFY2(step(), what);
            qint64 ms = 0;
            const std::string why = converge(u, &ms);
            QVERIFY2(why.empty(), (std::string(what) + ": " + why).c_str());
            qInfo("%s: converged in %lld ms", what, static_cast<long long>(ms));
        }
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
    }

    // Without -f the start-up lines still reach the caller's stderr (and syslog),
    // and `stratactl inspect` of the mount shows them.
    void startupLinesWithoutForeground()
    {
        UnionFixture u(3);
        buildLayers(u);
        const std::string log = u.dir() / "daemon.log";
        const std::string cmd = "'" + fuseBinary() + "' -o lowerdir=" + u.lowerdirOption() + ",upperdir=" + u.upper()
            + ",workdir=" + u.work() + " '" + u.mnt() + "' 2>'" + log + "'";
        QCOMPARE(std::system(cmd.c_str()), 0);
        // The daemon writes them after the fork: wait for them, bounded.
        QElapsedTimer t;
        t.start();
        std::string text;
        while ((text = readFile(log)).find("lowerwatch: lower 3 (") == std::string::npos && t.elapsed() < kConvergeMs)
            QTest::qWait(20);
        const bool mounted = isMountPoint(u.mnt());
        std::string inspect;
        if (FILE *p
            = ::popen(("'" + binaryDir() + "/stratactl' inspect --no-summary '" + u.mnt() + "' 2>&1").c_str(), "r")) {
            char buf[4096];
            for (size_t n; (n = std::fread(buf, 1, sizeof(buf), p)) > 0;)
                inspect.append(buf, n);
            ::pclose(p);
        }
        ::umount2(u.mnt().c_str(), MNT_DETACH);
        QVERIFY(mounted);
        QVERIFY2(text.find("strata-fuse: lowerwatch: lower 1 (" + u.lower(0) + ") by ") != std::string::npos,
                 text.c_str());
        QVERIFY2(text.find("lowerwatch: lower 3 (" + u.lower(2) + ") by ") != std::string::npos, text.c_str());
        QVERIFY2(inspect.find("Lower watch:") != std::string::npos, inspect.c_str());
        QVERIFY2(inspect.find("  lower 3 by ") != std::string::npos, inspect.c_str());
    }

    void lowerwatchOffIsNoCrash()
    {
        UnionFixture u(3);
        buildLayers(u);
        QVERIFY2(u.mountFuse({"lowerwatch=off"}), u.daemonLog().c_str());
        (void)snapshot(u.mnt());
        for (const Kind &k : kinds())
            k.change(u.lower(1), "1");
        // Stale or not, the union still answers every read.
        const Snapshot s = snapshot(u.mnt());
        QVERIFY(s.count("top") == 1);
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY2(u.daemonLog().find("lowerwatch: lower") == std::string::npos, u.daemonLog().c_str());
    }

    void badValueIsRefused()
    {
        std::string err;
        UnionFixture u(1);
        const int rc = runFuse({"-o", "lowerdir=" + u.lower(0) + ",lowerwatch=maybe", "-f", u.mnt()}, &err);
        QVERIFY(rc != 0);
        QVERIFY2(err.find("lowerwatch takes on or off") != std::string::npos, err.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineLowerWatch, strata::test::requireFuseAndKernel)

#include "test_engine_lowerwatch.moc"
