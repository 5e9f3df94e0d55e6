// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier (root): every change kind made directly on every layer position (upper,
// middle lower, last lower, data-only), seen through fanotify and through inotify,
// and its effect on the merged view; after each, the view the feed kept equals a
// view computed afresh from the layers.
#include "ovl/values.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"
#include "watchfixture.h"

#include <QTest>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;
using namespace strata::watch;

namespace {

enum class Act { Create, Delete, Rename, Chmod, Append, Overwrite, Mkdir, Rmdir, RmTree, Whiteout, Opaque };

// Unchecked kinds: only the comparison with a fresh view decides (the kernel's rule
// for that case is what MergedTree says, whatever it is).
constexpr uint32_t kAny = ~0u;

struct Row {
    const char *name;
    int layer;
    Act act;
    const char *path; // in the layer
    const char *to; // rename target, or nullptr
    const char *merged; // the merged path whose effect is checked
    uint32_t expect; // EffectKind bits that must be there (0: no effect at all)
};

const Row kRows[] = {
    {"upper create", 0, Act::Create, "new", nullptr, "new", EffectAppeared},
    {"upper delete", 0, Act::Delete, "fu", nullptr, "fu", EffectVanished},
    {"upper rename", 0, Act::Rename, "fu", "fu2", "fu2", EffectAppeared},
    {"upper chmod", 0, Act::Chmod, "fu", nullptr, "fu", EffectModeChanged},
    {"upper append", 0, Act::Append, "fu", nullptr, "fu", EffectContentChanged | EffectSizeChanged},
    {"upper mkdir", 0, Act::Mkdir, "newd", nullptr, "newd", EffectAppeared},
    {"upper rmdir", 0, Act::Rmdir, "ed", nullptr, "ed", EffectVanished},
    {"upper whiteout", 0, Act::Whiteout, "f1", nullptr, "f1", EffectHidden},
    {"upper opaque", 0, Act::Opaque, "sub", nullptr, "sub/a", EffectHidden},
    {"middle create", 1, Act::Create, "new", nullptr, "new", EffectAppeared},
    {"middle delete", 1, Act::Delete, "f1", nullptr, "f1", EffectVanished},
    {"middle rename", 1, Act::Rename, "f1", "f1b", "f1", EffectVanished},
    {"middle chmod", 1, Act::Chmod, "f1", nullptr, "f1", EffectModeChanged},
    {"middle append", 1, Act::Append, "f1", nullptr, "f1", EffectContentChanged | EffectSizeChanged},
    {"middle overwrite", 1, Act::Overwrite, "f1", nullptr, "f1", EffectContentChanged},
    {"middle mkdir", 1, Act::Mkdir, "newd", nullptr, "newd", EffectAppeared},
    {"middle rmdir", 1, Act::Rmdir, "d1e", nullptr, "d1e", EffectVanished},
    {"middle rm dir under upper files", 1, Act::RmTree, "sub", nullptr, "sub/b", EffectVanished},
    {"middle whiteout", 1, Act::Whiteout, "f2", nullptr, "f2", EffectHidden},
    {"middle opaque", 1, Act::Opaque, "sub", nullptr, "sub/a", EffectHidden},
    {"middle create under an upper file", 1, Act::Create, "fu", nullptr, "fu",
     EffectStateChanged}, // no longer upper-only
    {"last create", 2, Act::Create, "new", nullptr, "new", EffectAppeared},
    {"last delete", 2, Act::Delete, "f2", nullptr, "f2", EffectVanished},
    {"last rename", 2, Act::Rename, "f2", "f2b", "f2b", EffectAppeared},
    {"last chmod", 2, Act::Chmod, "f2", nullptr, "f2", EffectModeChanged},
    {"last append", 2, Act::Append, "f2", nullptr, "f2", EffectContentChanged | EffectSizeChanged},
    {"last mkdir", 2, Act::Mkdir, "newd", nullptr, "newd", EffectAppeared},
    {"last rmdir", 2, Act::Rmdir, "d2e", nullptr, "d2e", EffectVanished},
    {"last dir removed", 2, Act::RmTree, "d2", nullptr, "d2/x", EffectVanished},
    {"last shadowed append", 2, Act::Append, "shared", nullptr, "shared", 0},
    {"last opaque", 2, Act::Opaque, "d2", nullptr, "d2", kAny},
    {"last whiteout over nothing", 2, Act::Whiteout, "zz", nullptr, "zz", 0},
    {"data overwrite", 3, Act::Overwrite, "blob", nullptr, "meta", EffectContentChanged},
    {"data chmod", 3, Act::Chmod, "blob", nullptr, "meta", 0},
};

std::string perform(const WatchFixture &fx, const Row &row)
{
    const std::string p = fx.layerDir(row.layer) + "/" + row.path;
    const LayerBuilder lb(fx.layerDir(row.layer), ovl::Namespace::Trusted);
    auto sys = [&](int r, const char *what) { return r == 0 ? std::string() : p + ": " + what + " failed"; };
    switch (row.act) {
    case Act::Create:
        return lb.file(row.path, "new content");
    case Act::Delete:
        return sys(::unlink(p.c_str()), "unlink");
    case Act::Rename:
        return sys(::rename(p.c_str(), (fx.layerDir(row.layer) + "/" + row.to).c_str()), "rename");
    case Act::Chmod:
        return sys(::chmod(p.c_str(), 0600), "chmod");
    case Act::Append:
    case Act::Overwrite: {
        const UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC | (row.act == Act::Append ? O_APPEND : 0)));
        const char *text = row.act == Act::Append ? "+more" : "X";
        if (!fd || ::write(fd.get(), text, std::strlen(text)) < 0)
            return p + ": write failed";
        return {};
    }
    case Act::Mkdir:
        return sys(::mkdir(p.c_str(), 0755), "mkdir");
    case Act::Rmdir:
        return sys(::rmdir(p.c_str()), "rmdir");
    case Act::RmTree: {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
        return ec ? p + ": " + ec.message() : std::string();
    }
    case Act::Whiteout:
        return lb.whiteout(row.path);
    case Act::Opaque:
        return lb.opaque(row.path);
    }
    return "unknown action";
}

} // namespace

class TestWatchChanges : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void change_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("row");
        for (const Method m : {Method::Fanotify, Method::Inotify})
            for (size_t i = 0; i < std::size(kRows); ++i)
                QTest::addRow("%s: %s", std::string(methodName(m)).c_str(), kRows[i].name)
                    << static_cast<int>(m) << static_cast<int>(i);
    }

    void change()
    {
        QFETCH(int, method);
        QFETCH(int, row);
        const Row &r = kRows[row];
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        const std::string started = fx.start(static_cast<Method>(method));
        QVERIFY2(started.empty(), started.c_str());
        for (const auto &lw : fx.watcher().layers())
            QVERIFY2(lw.method == static_cast<Method>(method), lw.reason.c_str());

        const std::string err = perform(fx, r);
        QVERIFY2(err.empty(), err.c_str());
        const auto effects = fx.collect();

        // The watcher saw the change where it was made.
        bool seen = false;
        for (const auto &c : fx.changes)
            seen = seen || (c.layer == r.layer && c.path == r.path);
        QVERIFY2(seen, "no change reported at the changed path");

        const auto e = effectFor(effects, r.merged);
        if (r.expect == 0) {
            QVERIFY2(!e || e->kinds == 0, e ? e->note.c_str() : "");
        } else if (r.expect != kAny) {
            QVERIFY2(e, "no effect on the merged path");
            QVERIFY2((e->kinds & r.expect) == r.expect,
                     ("effect " + std::to_string(e->kinds) + ", expected " + std::to_string(r.expect)).c_str());
        }
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
    }

    // A renamed directory keeps being watched under its new name: the watcher's own
    // handle / watch map follows the rename (a handle cannot be decoded to a path).
    void renamedDirStillWatched_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("fanotify") << static_cast<int>(Method::Fanotify);
        QTest::newRow("inotify") << static_cast<int>(Method::Inotify);
    }
    void renamedDirStillWatched()
    {
        QFETCH(int, method);
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        QVERIFY(fx.start(static_cast<Method>(method)).empty());
        QCOMPARE(::rename((fx.layerDir(1) + "/d1").c_str(), (fx.layerDir(1) + "/d1r").c_str()), 0);
        auto effects = fx.collect();
        const auto gone = effectFor(effects, "d1");
        QVERIFY(gone && (gone->kinds & EffectVanished));
        const auto moved = effectFor(effects, "d1r");
        QVERIFY(moved && (moved->kinds & EffectAppeared));
        QVERIFY(fx.tracker().factsOf("d1r/y"));

        QCOMPARE(LayerBuilder(fx.layerDir(1)).file("d1r/z", "z"), std::string());
        effects = fx.collect();
        bool seen = false;
        for (const auto &c : fx.changes)
            seen = seen || (c.layer == 1 && c.path == "d1r/z");
        QVERIFY2(seen, "no change reported under the renamed directory's new name");
        const auto z = effectFor(effects, "d1r/z");
        QVERIFY(z && (z->kinds & EffectAppeared));
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
    }

    // A lower dir removed while the upper keeps files beneath it stays in the view
    // with the upper's files (what a fresh mount shows).
    void lowerDirGoneUpperKeeps()
    {
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        QVERIFY(fx.start(std::nullopt).empty());
        std::error_code ec;
        std::filesystem::remove_all(fx.layerDir(1) + "/sub", ec);
        std::filesystem::remove_all(fx.layerDir(2) + "/sub", ec);
        QVERIFY(!ec);
        const auto effects = fx.collect();
        const auto sub = fx.tracker().factsOf("sub");
        QVERIFY(sub && sub->visible() && sub->layer == 0);
        QVERIFY(fx.tracker().factsOf("sub/c"));
        QVERIFY(!fx.tracker().factsOf("sub/a"));
        const auto a = effectFor(effects, "sub/a");
        QVERIFY(a && (a->kinds & EffectVanished));
        QVERIFY(fx.compareWithFresh().empty());
    }

    // Watches follow what is loaded (inotify's count against max_user_watches): an
    // unloaded merged dir gives back the layer dirs only it merged, and so does a
    // merged dir whose lower dir went.
    void watchesReleased()
    {
        WatchFixture fx;
        QVERIFY2(fx.error().empty(), fx.error().c_str());
        QVERIFY(fx.start(watch::Method::Inotify).empty());
        const size_t all = fx.watcher().watchedDirs();
        fx.tracker().unload("sub"); // its dirs in layers 0, 1 and 2
        QCOMPARE(fx.watcher().watchedDirs(), all - 3);
        QVERIFY(fx.tracker().load("sub")); // watched again
        QCOMPARE(fx.watcher().watchedDirs(), all);
        std::error_code ec;
        std::filesystem::remove_all(fx.layerDir(2) + "/d2", ec);
        QVERIFY(!ec);
        (void)fx.collect();
        QVERIFY(!fx.tracker().isLoaded("d2"));
        QCOMPARE(fx.watcher().watchedDirs(), all - 1);
        const std::string diff = fx.compareWithFresh();
        QVERIFY2(diff.empty(), diff.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestWatchChanges, requireRoot)
#include "test_watch_changes.moc"
