// SPDX-License-Identifier: GPL-2.0-or-later
// specFromLayerDirectory: the three on-disk layouts "Open Layer Directory" reads,
// and a stack really opened from each.
#include "stack/layerlayout.h"
#include "stack/layerstack.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;

class TestLayerLayout : public QObject {
    Q_OBJECT

    static void mkdirs(const std::string &p)
    {
        for (size_t at = 1; at != std::string::npos; at = p.find('/', at + 1))
            ::mkdir(p.substr(0, at).c_str(), 0755);
        ::mkdir(p.c_str(), 0755);
    }
    static void file(const std::string &p, const std::string &text) { std::ofstream(p) << text; }

private Q_SLOTS:
    void aDirectoryOfLayers()
    {
        test::TempDir t("strata-layout");
        for (const char *d : {"lower1", "lower2", "lower10", "upper", "work", "merged", "lowerx"})
            mkdirs(t / d);
        file(t / "lower3", "a file, not a layer");
        file(t / "lower1/base", "1");
        auto spec = specFromLayerDirectory(t.path() + "/");
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        const std::vector<std::string> want {t / "lower10", t / "lower2", t / "lower1"};
        QCOMPARE(spec->lower, want);
        QCOMPARE(spec->upper, std::optional<std::string>(t / "upper"));
        QCOMPARE(spec->work, std::optional<std::string>(t / "work"));
        QCOMPARE(spec->sourceKind, std::string("directories"));
        auto stack = LayerStack::fromSpec(*spec);
        QVERIFY2(stack, stack ? "" : stack.error().message().c_str());
        QCOMPARE((*stack)->layers().size(), size_t(4));
    }

    // Docker overlay2 / containers-storage: l/ID short links, "lower" top first.
    void aContainersLayer_data()
    {
        QTest::addColumn<bool>("writable");
        QTest::newRow("image layer") << false;
        QTest::newRow("container layer") << true;
    }
    void aContainersLayer()
    {
        QFETCH(bool, writable);
        test::TempDir t("strata-layout");
        const std::string root = t / "overlay2";
        for (const char *id : {"aaa", "bbb", "ccc"}) {
            mkdirs(root + "/" + id + "/diff");
            mkdirs(root + "/l");
            QCOMPARE(::symlink((std::string("../") + id + "/diff").c_str(),
                               (root + "/l/" + std::string(id) + "SHORT").c_str()),
                     0);
        }
        if (writable)
            mkdirs(root + "/ccc/work");
        file(root + "/ccc/lower", "l/bbbSHORT:l/aaaSHORT\n");
        auto spec = specFromLayerDirectory(root + "/ccc");
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        std::vector<std::string> want {root + "/bbb/diff", root + "/aaa/diff"};
        if (!writable)
            want.insert(want.begin(), root + "/ccc/diff");
        QCOMPARE(spec->lower, want);
        QCOMPARE(spec->upper.has_value(), writable);
        if (writable) {
            QCOMPARE(*spec->upper, root + "/ccc/diff");
            QCOMPARE(*spec->work, root + "/ccc/work");
        }
        QVERIFY(LayerStack::fromSpec(*spec).has_value());
    }

    void aBrokenLowerFileNamesTheEntry()
    {
        test::TempDir t("strata-layout");
        mkdirs(t / "x/diff");
        file(t / "x/lower", "l/GONE");
        auto spec = specFromLayerDirectory(t / "x");
        QVERIFY(!spec);
        QVERIFY2(spec.error().message().find("l/GONE") != std::string::npos, spec.error().message().c_str());
        QVERIFY2(spec.error().message().find(t / "x/lower") != std::string::npos, spec.error().message().c_str());
    }

    void anyOtherDirectoryIsOneLayer()
    {
        test::TempDir t("strata-layout");
        mkdirs(t / "usr/bin");
        auto spec = specFromLayerDirectory(t.path());
        QVERIFY2(spec, spec ? "" : spec.error().message().c_str());
        QCOMPARE(spec->lower, std::vector<std::string> {t.path()});
        QVERIFY(!spec->upper);
        QVERIFY(LayerStack::fromSpec(*spec).has_value());
    }

    void notADirectory()
    {
        test::TempDir t("strata-layout");
        file(t / "f", "x");
        auto spec = specFromLayerDirectory(t / "f");
        QVERIFY(!spec);
        QVERIFY2(spec.error().message().find("is not a directory") != std::string::npos,
                 spec.error().message().c_str());
        QVERIFY(!specFromLayerDirectory(t / "missing"));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestLayerLayout, strata::test::requireNothing)
#include "test_layerlayout.moc"
