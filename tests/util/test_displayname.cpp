// SPDX-License-Identifier: GPL-2.0-or-later
#include "testenv.h"
#include "testmain.h"
#include "util/displayname.h"

#include <QTest>

using namespace strata;

class TestDisplayName : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void render_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("shown");
        QTest::addColumn<bool>("utf8");
        QTest::newRow("plain") << QByteArray("etc/hostname") << QByteArray("etc/hostname") << true;
        QTest::newRow("utf8") << QByteArray("caf\xc3\xa9") << QByteArray("caf\xc3\xa9") << true;
        QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("a\\nb") << true;
        QTest::newRow("tab") << QByteArray("a\tb") << QByteArray("a\\tb") << true;
        QTest::newRow("backslash doubled") << QByteArray("a\\b") << QByteArray("a\\\\b") << true;
        QTest::newRow("control") << QByteArray("a\x01z") << QByteArray("a\\x01z") << true;
        QTest::newRow("del") << QByteArray("\x7f") << QByteArray("\\x7f") << true;
        QTest::newRow("invalid byte") << QByteArray("a\xff") << QByteArray("a\\xff") << false;
        QTest::newRow("truncated seq") << QByteArray("\xe2\x82") << QByteArray("\\xe2\\x82") << false;
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QByteArray("\\xc0\\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << QByteArray("\\xed\\xa0\\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << QByteArray("\\xf4\\x90\\x80\\x80")
                                        << false;
        QTest::newRow("4-byte ok") << QByteArray("\xf0\x9f\x98\x80") << QByteArray("\xf0\x9f\x98\x80") << true;
        QTest::newRow("colon comma") << QByteArray("a:b,c") << QByteArray("a:b,c") << true;
    }
    void render()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, shown);
        QFETCH(bool, utf8);
        const std::string in(bytes.constData(), static_cast<size_t>(bytes.size()));
        QCOMPARE(QByteArray::fromStdString(displayName(in)), shown);
        QCOMPARE(isValidUtf8(in), utf8);
    }
    void embeddedNul()
    {
        const std::string in("a\0b", 3);
        QCOMPARE(displayName(in), std::string("a\\x00b"));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestDisplayName, strata::test::requireNothing)
#include "test_displayname.moc"
