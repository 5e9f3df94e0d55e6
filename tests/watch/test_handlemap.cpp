// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the watcher's map of registered directories follows renames and removals
// of whole subtrees, and hands back the keys (watches) no registration uses.
#include "testenv.h"
#include "testmain.h"
#include "watch/handlemap.h"

#include <QTest>

using namespace strata::watch;

class TestHandleMap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void renameMovesTheSubtreeOnly()
    {
        HandleMap m;
        m.add("k-a", 1, "a");
        m.add("k-ab", 1, "a/b");
        m.add("k-a-x", 1, "a-x"); // sorts between "a" and "a/": not below "a"
        m.add("k-other", 2, "a/b"); // another layer
        const auto unused = m.rename(1, "a", "z");
        QVERIFY(unused.empty());
        QCOMPARE(m.find("k-a")->front().path, std::string("z"));
        QCOMPARE(m.find("k-ab")->front().path, std::string("z/b"));
        QCOMPARE(m.find("k-a-x")->front().path, std::string("a-x"));
        QCOMPARE(m.find("k-other")->front().path, std::string("a/b"));
        QVERIFY(m.contains(1, "z/b"));
        QVERIFY(!m.contains(1, "a/b"));
        QCOMPARE(m.size(), size_t(4));
    }

    void renameOverARegisteredDirFreesIt()
    {
        HandleMap m;
        m.add("k-a", 1, "a");
        m.add("k-b", 1, "b");
        m.add("k-bc", 1, "b/c");
        const auto unused = m.rename(1, "a", "b");
        QCOMPARE(unused.size(), size_t(2));
        QCOMPARE(m.find("k-a")->front().path, std::string("b"));
        QVERIFY(!m.find("k-b"));
        QVERIFY(!m.find("k-bc"));
    }

    void removeTreeReturnsUnusedKeys()
    {
        HandleMap m;
        m.add("k", 1, "d");
        m.add("k", 2, "d"); // one object, two registrations
        m.add("k-e", 1, "d/e");
        m.add("k-f", 1, "f");
        auto unused = m.removeTree(1, "d");
        QCOMPARE(unused, std::vector<std::string> {"k-e"}); // "k" is still used by layer 2
        QVERIFY(m.find("k"));
        QVERIFY(m.contains(1, "f"));
        unused = m.removeTree(1, "");
        QCOMPARE(unused, std::vector<std::string> {"k-f"});
        m.removeKey("k");
        QCOMPARE(m.size(), size_t(0));
    }

    void isWithinIsByComponent()
    {
        QVERIFY(isWithin("a/b", "a"));
        QVERIFY(isWithin("a", "a"));
        QVERIFY(!isWithin("ab", "a"));
        QVERIFY(isWithin("x", ""));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestHandleMap, strata::test::requireNothing)
#include "test_handlemap.moc"
