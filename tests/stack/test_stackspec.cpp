// SPDX-License-Identifier: GPL-2.0-or-later
#include "stack/stackspec.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <fstream>

using namespace strata;
using namespace strata::stack;

class TestStackSpec : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        StackSpec s;
        s.name = "demo";
        s.lower = {"/l/top", std::string("/l/odd\xff\nname:with,comma", 25)};
        s.data = {"/d/one"};
        s.upper = "/u";
        s.work = "/w";
        s.xattrNamespace = ovl::Namespace::User;
        s.options = {{"redirect_dir", "on"}, {"volatile", std::nullopt}};
        s.sourceKind = "mount";
        s.mountpoint = "/merged";
        s.fstype = "overlay";
        const std::string json = toJson(s);
        QVERIFY(json.find("bytes_hex") != std::string::npos); // the non-UTF-8 path
        auto back = stackSpecFromJson(json, "mem");
        QVERIFY2(back.has_value(), back ? "" : back.error().message().c_str());
        QCOMPARE(back->lower, s.lower);
        QCOMPARE(back->data, s.data);
        QCOMPARE(back->upper, s.upper);
        QCOMPARE(back->work, s.work);
        QVERIFY(back->xattrNamespace == ovl::Namespace::User);
        QCOMPARE(back->options.size(), size_t(2));
        QVERIFY(!back->options[1].second.has_value());
        QCOMPARE(back->mountpoint, s.mountpoint);
        QCOMPARE(toJson(*back), json); // stable output
    }
    void fileRoundTrip()
    {
        strata::test::TempDir tmp;
        StackSpec s;
        s.lower = {"/a", "/b"};
        const std::string file = tmp / "stack.json";
        QVERIFY(writeStackFile(file, s).has_value());
        auto back = readStackFile(file);
        QVERIFY(back.has_value());
        QCOMPARE(back->lower, s.lower);
    }
    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("needle");
        QTest::newRow("not json") << QByteArray("{lower: [") << QByteArray("malformed JSON at byte");
        QTest::newRow("array") << QByteArray("[]") << QByteArray("must hold a JSON object");
        QTest::newRow("no schema") << QByteArray("{\"lower\":[\"/a\"]}") << QByteArray("missing \"schema\"");
        QTest::newRow("future schema") << QByteArray("{\"schema\":2,\"lower\":[\"/a\"]}") << QByteArray("schema 2");
        QTest::newRow("no layers") << QByteArray("{\"schema\":1,\"lower\":[]}") << QByteArray("no layers");
        QTest::newRow("lower not array") << QByteArray("{\"schema\":1,\"lower\":\"/a\"}")
                                         << QByteArray("must be an array");
        QTest::newRow("bad hex") << QByteArray("{\"schema\":1,\"lower\":[{\"bytes_hex\":\"zz\"}]}")
                                 << QByteArray("not valid hex");
        QTest::newRow("empty path") << QByteArray("{\"schema\":1,\"lower\":[\"\"]}") << QByteArray("is empty");
        QTest::newRow("bad namespace") << QByteArray("{\"schema\":1,\"lower\":[\"/a\"],\"xattr_namespace\":\"x\"}")
                                       << QByteArray("xattr_namespace");
        QTest::newRow("bad option") << QByteArray("{\"schema\":1,\"lower\":[\"/a\"],\"options\":[[1,2]]}")
                                    << QByteArray("each option");
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, needle);
        auto r = stackSpecFromJson(json.toStdString(), "/some/stack.json");
        QVERIFY(!r.has_value());
        const std::string msg = r.error().message();
        QVERIFY2(msg.find("/some/stack.json") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(needle.toStdString()) != std::string::npos, msg.c_str());
    }
    void missingFile()
    {
        auto r = readStackFile("/nonexistent/stack.json");
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ENOENT);
        QVERIFY(r.error().message().find("/nonexistent/stack.json") != std::string::npos);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestStackSpec, strata::test::requireNothing)
#include "test_stackspec.moc"
