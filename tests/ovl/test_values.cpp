// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovl/values.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <cerrno>
#include <climits>

using namespace strata::ovl;

namespace {
std::string bytes(const QByteArray &b)
{
    return b.toStdString();
}
std::span<const uint8_t> span(const QByteArray &b)
{
    return {reinterpret_cast<const uint8_t *>(b.constData()), static_cast<size_t>(b.size())};
}
} // namespace

class TestValues : public QObject {
    Q_OBJECT
private slots:
    void opaque_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("expected"); // -1 error, 0 Yes, 1 XWhiteouts
        QTest::newRow("y") << QByteArray("y") << 0;
        QTest::newRow("x") << QByteArray("x") << 1;
        QTest::newRow("empty") << QByteArray() << -1;
        QTest::newRow("n") << QByteArray("n") << -1;
        QTest::newRow("Y") << QByteArray("Y") << -1;
        QTest::newRow("yes: kernel reads 1 byte, ERANGE") << QByteArray("yes") << -1;
        QTest::newRow("y NUL") << QByteArray("y\0", 2) << -1;
        QTest::newRow("probe 0") << QByteArray("0") << -1;
    }
    void opaque()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, expected);
        const auto r = parseOpaque(bytes(value));
        QCOMPARE(r.has_value(), expected >= 0);
        if (expected >= 0)
            QCOMPARE(static_cast<int>(*r), expected);
        else
            QVERIFY2(r.error().reason.starts_with("opaque:"), r.error().reason.c_str());
    }

    void redirect_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("absolute");
        QTest::addColumn<QStringList>("components");
        QTest::newRow("relative") << QByteArray("dir") << true << false << QStringList {"dir"};
        QTest::newRow("absolute") << QByteArray("/a/b") << true << true << QStringList {"a", "b"};
        QTest::newRow("absolute one") << QByteArray("/a") << true << true << QStringList {"a"};
        QTest::newRow("dots are names") << QByteArray("/../.") << true << true << QStringList {"..", "."};
        QTest::newRow("empty") << QByteArray() << false << false << QStringList {};
        QTest::newRow("root only") << QByteArray("/") << false << false << QStringList {};
        QTest::newRow("double slash") << QByteArray("/a//b") << false << false << QStringList {};
        QTest::newRow("leading double") << QByteArray("//a") << false << false << QStringList {};
        QTest::newRow("trailing slash") << QByteArray("/a/") << false << false << QStringList {};
        QTest::newRow("relative with slash") << QByteArray("a/b") << false << false << QStringList {};
        QTest::newRow("relative trailing slash") << QByteArray("a/") << false << false << QStringList {};
        QTest::newRow("embedded NUL") << QByteArray("/a\0b", 4) << false << false << QStringList {};
        QTest::newRow("trailing NUL") << QByteArray("dir\0", 4) << false << false << QStringList {};
    }
    void redirect()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(bool, absolute);
        QFETCH(QStringList, components);
        const auto r = parseRedirect(bytes(value));
        QCOMPARE(r.has_value(), valid);
        if (!valid) {
            QCOMPARE(r.error().code, EINVAL);
            return;
        }
        QCOMPARE(r->absolute, absolute);
        QCOMPARE(r->path, bytes(value));
        QStringList got;
        for (const auto &c : r->components)
            got << QString::fromStdString(c);
        QCOMPARE(got, components);
    }

    void metacopy_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("code"); // 0 valid
        QTest::addColumn<bool>("legacy");
        QTest::addColumn<int>("digestSize");
        QByteArray sha256 = QByteArray("\x00\x24\x00\x01", 4) + QByteArray(32, '\xab');
        QByteArray sha512 = QByteArray("\x00\x44\x00\x02", 4) + QByteArray(64, '\xcd');
        QTest::newRow("legacy empty") << QByteArray() << 0 << true << 0;
        QTest::newRow("header only") << QByteArray("\x00\x04\x00\x00", 4) << 0 << false << 0;
        QTest::newRow("sha256") << sha256 << 0 << false << 32;
        QTest::newRow("sha512 max 68") << sha512 << 0 << false << 64;
        QTest::newRow("1 byte") << QByteArray("\x00", 1) << EIO << false << 0;
        QTest::newRow("2 bytes") << QByteArray("\x00\x02", 2) << EIO << false << 0;
        QTest::newRow("3 bytes") << QByteArray("\x00\x03\x00", 3) << EIO << false << 0;
        QTest::newRow("69 bytes") << (QByteArray("\x00\x45\x00\x02", 4) + QByteArray(65, 'x')) << ERANGE << false << 0;
        QTest::newRow("version 1") << QByteArray("\x01\x04\x00\x00", 4) << EIO << false << 0;
        QTest::newRow("len short") << (QByteArray("\x00\x04\x00\x01", 4) + QByteArray(32, 'x')) << EIO << false << 0;
        QTest::newRow("len long") << QByteArray("\x00\x24\x00\x01", 4) << EIO << false << 0;
    }
    void metacopy()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, code);
        QFETCH(bool, legacy);
        QFETCH(int, digestSize);
        const auto r = parseMetacopy(span(value));
        QCOMPARE(r.has_value(), code == 0);
        if (code) {
            QCOMPARE(r.error().code, code);
            QVERIFY(r.error().reason.starts_with("metacopy:"));
            return;
        }
        QCOMPARE(r->legacy, legacy);
        QCOMPARE(static_cast<int>(r->digest.size()), digestSize);
        // What the kernel would write back (ovl_set_metacopy_xattr): header-only
        // without flags or algorithm becomes the empty value.
        const auto enc = encodeMetacopy(*r);
        if (legacy || (r->flags == 0 && r->digestAlgo == 0))
            QVERIFY(enc.empty());
        else
            QCOMPARE(QByteArray(reinterpret_cast<const char *>(enc.data()), static_cast<int>(enc.size())), value);
    }
    void metacopyAlgoNames()
    {
        Metacopy m;
        QVERIFY(m.digestAlgoName() == "none");
        m.digestAlgo = 1;
        QVERIFY(m.digestAlgoName() == "sha256");
        m.digestAlgo = 2;
        QVERIFY(m.digestAlgoName() == "sha512");
        m.digestAlgo = 9;
        QVERIFY(m.digestAlgoName() == "unknown");
    }

    void nlink_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("upper");
        QTest::addColumn<int>("delta");
        QTest::newRow("U+0") << QByteArray("U+0") << true << true << 0;
        QTest::newRow("U-1") << QByteArray("U-1") << true << true << -1;
        QTest::newRow("L+2") << QByteArray("L+2") << true << false << 2;
        QTest::newRow("L-10") << QByteArray("L-10") << true << false << -10;
        QTest::newRow("trailing newline") << QByteArray("U+3\n") << true << true << 3;
        QTest::newRow("-+5 (kstrtoll then kstrtoull sign)") << QByteArray("U-+5") << true << true << -5;
        QTest::newRow("int min") << QByteArray("U-2147483648") << true << true << INT_MIN;
        QTest::newRow("int max") << QByteArray("L+2147483647") << true << false << INT_MAX;
        QTest::newRow("NUL ends the string") << QByteArray("U+1\0zz", 6) << true << true << 1;
        QTest::newRow("missing sign") << QByteArray("U5") << false << false << 0;
        QTest::newRow("base only") << QByteArray("U") << false << false << 0;
        QTest::newRow("sign only") << QByteArray("U+") << false << false << 0;
        QTest::newRow("lowercase base") << QByteArray("u+1") << false << false << 0;
        QTest::newRow("other base") << QByteArray("X+1") << false << false << 0;
        QTest::newRow("+-5") << QByteArray("U+-5") << false << false << 0;
        QTest::newRow("space") << QByteArray("U+ 1") << false << false << 0;
        QTest::newRow("trailing junk") << QByteArray("U+1x") << false << false << 0;
        QTest::newRow("two newlines") << QByteArray("U+1\n\n") << false << false << 0;
        QTest::newRow("overflow") << QByteArray("U+2147483648") << false << false << 0;
        QTest::newRow("13 bytes") << QByteArray("U+00000000001") << false << false << 0;
        QTest::newRow("empty") << QByteArray() << false << false << 0;
    }
    void nlink()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(bool, upper);
        QFETCH(int, delta);
        const auto r = parseNlink(bytes(value));
        QCOMPARE(r.has_value(), valid);
        if (!valid) {
            QCOMPARE(r.error().code, EINVAL);
            return;
        }
        QCOMPARE(r->base == Nlink::Base::Upper, upper);
        QCOMPARE(r->delta, delta);
    }
    void nlinkEncode_data()
    {
        QTest::addColumn<bool>("upper");
        QTest::addColumn<int>("delta");
        QTest::addColumn<QString>("expected");
        QTest::newRow("U+0") << true << 0 << "U+0";
        QTest::newRow("U-1") << true << -1 << "U-1";
        QTest::newRow("L+1") << false << 1 << "L+1";
    }
    void nlinkEncode()
    {
        QFETCH(bool, upper);
        QFETCH(int, delta);
        QFETCH(QString, expected);
        const Nlink n {upper ? Nlink::Base::Upper : Nlink::Base::Lower, delta};
        QCOMPARE(QString::fromStdString(encodeNlink(n)), expected);
        QCOMPARE(parseNlink(encodeNlink(n))->delta, delta);
    }
    void nlinkApply()
    {
        QCOMPARE((Nlink {Nlink::Base::Upper, 1}.apply(2)), 3u);
        QCOMPARE((Nlink {Nlink::Base::Lower, -1}.apply(3)), 2u);
        QCOMPARE((Nlink {Nlink::Base::Upper, -2}.apply(2)), 0u); // kernel: <= 0 rejected
    }

    void protattr_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("append");
        QTest::addColumn<bool>("immutable");
        QTest::newRow("a") << QByteArray("a") << 0 << true << false;
        QTest::newRow("i") << QByteArray("i") << 0 << false << true;
        QTest::newRow("ai") << QByteArray("ai") << 0 << true << true;
        QTest::newRow("ia") << QByteArray("ia") << 0 << true << true;
        QTest::newRow("32 bytes") << QByteArray(32, 'a') << 0 << true << false;
        QTest::newRow("33 bytes") << QByteArray(33, 'a') << ERANGE << false << false;
        QTest::newRow("empty") << QByteArray() << EINVAL << false << false;
        QTest::newRow("unknown") << QByteArray("ax") << EINVAL << false << false;
        QTest::newRow("NUL") << QByteArray("a\0", 2) << EINVAL << false << false;
    }
    void protattr()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, code);
        QFETCH(bool, append);
        QFETCH(bool, immutable);
        const auto r = parseProtattr(bytes(value));
        QCOMPARE(r.has_value(), code == 0);
        if (code) {
            QCOMPARE(r.error().code, code);
            return;
        }
        QCOMPARE(r->append, append);
        QCOMPARE(r->immutable, immutable);
    }
    void protattrNamesChar()
    {
        const auto r = parseProtattr("aZ");
        QVERIFY(!r);
        QVERIFY2(r.error().reason.find("\"Z\"") != std::string::npos, r.error().reason.c_str());
    }

    void uuid_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::newRow("16") << QByteArray("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16)
                            << true;
        QTest::newRow("15") << QByteArray(15, 'x') << false;
        QTest::newRow("17") << QByteArray(17, 'x') << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("text form") << QByteArray("12345678-9abc-def0-0123-456789abcdef") << false;
    }
    void uuid()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        const auto r = parseUuid(span(value));
        QCOMPARE(r.has_value(), valid);
        if (valid)
            QCOMPARE(QString::fromStdString(formatUuid(*r)), QString("12345678-9abc-def0-0123-456789abcdef"));
    }

    void impure_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::newRow("y") << QByteArray("y") << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("n") << QByteArray("n") << false;
        QTest::newRow("yy") << QByteArray("yy") << false;
    }
    void impure()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QCOMPARE(parseImpure(bytes(value)).has_value(), valid);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestValues, strata::test::requireNothing)
#include "test_values.moc"
