// SPDX-License-Identifier: GPL-2.0-or-later
// An absolute redirect walked through lower layers whose path elements carry
// markers of their own (lowers that were once uppers), against kernel overlayfs
// over the same layers. namei.c ovl_lookup_layer() looks an absolute path up one
// element at a time through ovl_lookup_single(), which calls ovl_check_redirect()
// for every directory element that is neither opaque nor on the last layer: an
// element's redirect rewrites the path the layers below look up (its prefix,
// absolute or relative; the elements after it are kept, "counting down from the
// end"), and an absolute one resets d->stop set by an opaque element above it,
// for a path element and for the leaf alike. strata-fuse ignored a path element's
// redirect and let an opaque element end the lookup whatever came after it; the
// inspector's lookup (core/stack/lookup.cpp) already did as the kernel does.
// ovl_check_redirect() also resets d->absolute_redirect at every call: a metacopy
// file reached through a lower metacopy's absolute redirect, with no redirect of
// its own, is not redirected into the data-only layers, and the lookup fails with
// EIO ("metacopy with no lower data found"); strata-fuse and the inspector both
// kept the flag and served the data-only layer's file (ovl::checkRedirect now
// decides it for both).
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QProcess>
#include <QTest>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <vector>

using namespace strata;
using namespace strata::test;

namespace {

// One layer entry: a directory (with a redirect or opaque=y when set) or an empty
// file. Layer -1 is the upper, 0 and 1 the lowers.
struct Item {
    int layer;
    std::string path;
    std::string redirect; // trusted.overlay.redirect of a directory
    bool opaque = false;
    bool file = false;
};

struct Case {
    const char *name;
    std::vector<Item> items;
    const char *kernel; // what the kernel lists in x (checked, then strata-fuse against it)
};

const std::vector<Case> kCases = {
    // x -> /p/x; lower 0's p -> /q: lower 1 looks up /q/x.
    {"absolute-element",
     {{-1, "x", "/p/x"},
      {0, "p", "/q"},
      {0, "p/x/a", "", false, true},
      {1, "q/x/b", "", false, true},
      {1, "p/x/c", "", false, true}},
     "a b up"},
    // x -> /s/p/x; lower 0's s/p -> q (relative): lower 1 looks up /s/q/x.
    {"relative-element",
     {{-1, "x", "/s/p/x"},
      {0, "s/p", "q"},
      {0, "s/p/x/a", "", false, true},
      {1, "s/q/x/b", "", false, true},
      {1, "s/p/x/c", "", false, true}},
     "a b up"},
    // x -> /o/p/x; lower 0's o is opaque, its p -> /q: the lookup goes on to /q/x.
    {"opaque-then-absolute-element",
     {{-1, "x", "/o/p/x"},
      {0, "o", "", true},
      {0, "o/p", "/q"},
      {0, "o/p/x/a", "", false, true},
      {1, "q/x/b", "", false, true},
      {1, "o/p/x/c", "", false, true}},
     "a b up"},
    // x -> /o/y; lower 0's o is opaque, the leaf o/y -> /q: the lookup goes on to /q.
    {"opaque-then-absolute-leaf",
     {{-1, "x", "/o/y"},
      {0, "o", "", true},
      {0, "o/y", "/q"},
      {0, "o/y/a", "", false, true},
      {1, "q/b", "", false, true},
      {1, "o/y/c", "", false, true}},
     "a b up"},
};

std::string layerDir(const UnionFixture &u, int layer)
{
    return layer < 0 ? u.upper() : u.lower(layer);
}

bool build(const UnionFixture &u, const Case &c)
{
    writeFile(u.upper() + "/x/up", "");
    for (const Item &it : c.items) {
        const std::string p = layerDir(u, it.layer) + "/" + it.path;
        if (it.file) {
            writeFile(p, "");
            continue;
        }
        std::error_code ec;
        std::filesystem::create_directories(p, ec);
        if (!it.redirect.empty()
            && ::lsetxattr(p.c_str(), "trusted.overlay.redirect", it.redirect.data(), it.redirect.size(), 0) != 0)
            return false;
        if (it.opaque && ::lsetxattr(p.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0)
            return false;
    }
    return true;
}

} // namespace

class TestEngineRedirectWalk : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void againstKernel_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < kCases.size(); ++i)
            QTest::newRow(kCases[i].name) << static_cast<int>(i);
    }

    void againstKernel()
    {
        QFETCH(int, index);
        const Case &c = kCases[static_cast<size_t>(index)];
        UnionFixture u(2, true);
        QVERIFY(build(u, c));
        QVERIFY(u.mountKernel());
        const Snapshot kernel = snapshot(u.path("x"));
        QVERIFY(u.unmount());
        u.resetWork();
        std::string names; // x holds files only: every path is a name
        for (const auto &[path, entry] : kernel)
            names += (names.empty() ? "" : " ") + path;
        QCOMPARE(names, std::string(c.kernel));
        QVERIFY2(u.mountFuse({"lowerwatch=off"}), u.daemonLog().c_str());
        const Snapshot fuse = snapshot(u.path("x"));
        QVERIFY(u.unmount());
        const std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());
    }

    // Lower 0's f: metacopy, redirected to /data/f; lower 1's data/f: metacopy
    // without a redirect; the data-only layer's data/f: the data.
    void metacopyBelowAbsoluteRedirect()
    {
        UnionFixture u(2, true);
        u.addDataLayers(1);
        writeFile(u.dataLayer(0) + "/data/f", "realdata\n");
        for (const std::string &p : {u.lower(0) + "/f", u.lower(1) + "/data/f"}) {
            writeFile(p, "");
            QVERIFY(::truncate(p.c_str(), 9) == 0);
            QVERIFY(::lsetxattr(p.c_str(), "trusted.overlay.metacopy", "", 0, 0) == 0);
        }
        QVERIFY(::lsetxattr((u.lower(0) + "/f").c_str(), "trusted.overlay.redirect", "/data/f", 7, 0) == 0);
        auto statErrno = [&] {
            struct stat st {};
            return ::lstat(u.path("f").c_str(), &st) == 0 ? 0 : errno;
        };
        QVERIFY(u.mountKernel(true, "metacopy=on"));
        const int kernel = statErrno();
        QVERIFY(u.unmount());
        QCOMPARE(kernel, EIO);
        QVERIFY2(u.mountFuse({"metacopy=on", "lowerwatch=off"}, true), u.daemonLog().c_str());
        const int fuse = statErrno();
        QVERIFY(u.unmount());
        QCOMPARE(fuse, kernel);

        // The inspector says the kernel fails that lookup.
        QProcess ctl;
        ctl.start(QString::fromStdString(binaryDir() + "/stratactl"),
                  {"tree", "--lower", QString::fromStdString(u.lower(0) + ":" + u.lower(1)), "--data",
                   QString::fromStdString(u.dataLayer(0)), "f"});
        QVERIFY(ctl.waitForFinished(20000));
        const QString err = QString::fromUtf8(ctl.readAllStandardError());
        QVERIFY2(err.contains("metacopy with no lower data found"), qPrintable(err));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineRedirectWalk, requireFuseAndKernel)
#include "test_engine_redirectwalk.moc"
