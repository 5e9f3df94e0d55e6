// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovl/xattrnames.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

using namespace strata::ovl;

Q_DECLARE_METATYPE(Namespace)
Q_DECLARE_METATYPE(Attr)

class TestXattrNames : public QObject {
    Q_OBJECT
private slots:
    void names_data()
    {
        QTest::addColumn<Namespace>("ns");
        QTest::addColumn<Attr>("attr");
        QTest::addColumn<QString>("expected");
        // fs/overlayfs/util.c ovl_xattr_table, both columns.
        const std::pair<Attr, const char *> table[] = {
            {Attr::Opaque, "opaque"},     {Attr::Redirect, "redirect"},   {Attr::Origin, "origin"},
            {Attr::Impure, "impure"},     {Attr::Nlink, "nlink"},         {Attr::Upper, "upper"},
            {Attr::Uuid, "uuid"},         {Attr::Metacopy, "metacopy"},   {Attr::Protattr, "protattr"},
            {Attr::Whiteout, "whiteout"}, {Attr::Whiteouts, "whiteouts"},
        };
        for (const auto &[a, s] : table) {
            QTest::addRow("trusted.%s", s) << Namespace::Trusted << a << QString("trusted.overlay.") + s;
            QTest::addRow("user.%s", s) << Namespace::User << a << QString("user.overlay.") + s;
        }
    }
    void names()
    {
        QFETCH(Namespace, ns);
        QFETCH(Attr, attr);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(name(ns, attr)), expected);
        const auto p = parseName(expected.toStdString());
        QVERIFY(p);
        QCOMPARE(p->ns, ns);
        QCOMPARE(p->escapeDepth, 0);
        QVERIFY(p->attr == std::optional<Attr>(attr));
    }

    void parse_data()
    {
        QTest::addColumn<QString>("xattr");
        QTest::addColumn<bool>("overlay");
        QTest::addColumn<bool>("user");
        QTest::addColumn<int>("depth");
        QTest::addColumn<QString>("rest");
        QTest::addColumn<bool>("known");
        QTest::newRow("plain") << "trusted.overlay.redirect" << true << false << 0 << "redirect" << true;
        QTest::newRow("escaped") << "trusted.overlay.overlay.opaque" << true << false << 1 << "opaque" << true;
        QTest::newRow("escaped twice") << "user.overlay.overlay.overlay.origin" << true << true << 2 << "origin"
                                       << true;
        QTest::newRow("escaped 4") << "trusted.overlay.overlay.overlay.overlay.overlay.uuid" << true << false << 4
                                   << "uuid" << true;
        QTest::newRow("unknown") << "trusted.overlay.frobnicate" << true << false << 0 << "frobnicate" << false;
        QTest::newRow("escaped unknown") << "user.overlay.overlay.x" << true << true << 1 << "x" << false;
        QTest::newRow("overlayX is not escaped")
            << "trusted.overlay.overlayfoo" << true << false << 0 << "overlayfoo" << false;
        QTest::newRow("other ns") << "security.overlay.opaque" << false << false << 0 << "" << false;
        QTest::newRow("no dot") << "trusted.overlayopaque" << false << false << 0 << "" << false;
        QTest::newRow("user.xdg") << "user.xdg.origin.url" << false << false << 0 << "" << false;
        QTest::newRow("empty") << "" << false << false << 0 << "" << false;
    }
    void parse()
    {
        QFETCH(QString, xattr);
        QFETCH(bool, overlay);
        QFETCH(bool, user);
        QFETCH(int, depth);
        QFETCH(QString, rest);
        QFETCH(bool, known);
        const std::string s = xattr.toStdString();
        const auto p = parseName(s);
        QCOMPARE(p.has_value(), overlay);
        if (!p)
            return;
        QCOMPARE(p->ns, user ? Namespace::User : Namespace::Trusted);
        QCOMPARE(p->escapeDepth, depth);
        QCOMPARE(QString::fromStdString(std::string(p->rest)), rest);
        QCOMPARE(p->attr.has_value(), known);
    }

    void escape_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("escaped");
        QTest::newRow("trusted") << "trusted.overlay.opaque" << "trusted.overlay.overlay.opaque";
        QTest::newRow("user") << "user.overlay.redirect" << "user.overlay.overlay.redirect";
        QTest::newRow("nested") << "trusted.overlay.overlay.whiteout" << "trusted.overlay.overlay.overlay.whiteout";
        QTest::newRow("unknown attr") << "user.overlay.anything" << "user.overlay.overlay.anything";
    }
    void escape()
    {
        QFETCH(QString, name);
        QFETCH(QString, escaped);
        QCOMPARE(QString::fromStdString(escapeName(name.toStdString()).value()), escaped);
        QCOMPARE(QString::fromStdString(unescapeName(escaped.toStdString()).value()), name);
    }

    void notEscapable_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("security") << "security.selinux";
        QTest::newRow("user other") << "user.foo";
        QTest::newRow("trusted other") << "trusted.foo";
    }
    void notEscapable()
    {
        QFETCH(QString, name);
        QVERIFY(!escapeName(name.toStdString()));
        QVERIFY(!unescapeName(name.toStdString()));
    }

    void unescapePlain()
    {
        QVERIFY(!unescapeName("trusted.overlay.opaque"));
        QVERIFY(!unescapeName("user.overlay.origin"));
    }

    void labels()
    {
        QVERIFY(prefix(Namespace::Trusted) == std::string_view("trusted.overlay."));
        QVERIFY(prefix(Namespace::User) == std::string_view("user.overlay."));
        QVERIFY(namespaceLabel(Namespace::Trusted) == std::string_view("trusted"));
        QVERIFY(namespaceLabel(Namespace::User) == std::string_view("user"));
        QVERIFY(suffix(Attr::Whiteouts) == std::string_view("whiteouts"));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestXattrNames, strata::test::requireNothing)
#include "test_xattrnames.moc"
