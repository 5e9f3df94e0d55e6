// SPDX-License-Identifier: GPL-2.0-or-later
// The overlay options parser against strings in the exact form the kernel prints
// them in mountinfo (seq_show_option octal escapes, overlayfs backslash escapes).
#include "mounts/overlayoptions.h"
#include "testenv.h"
#include "testmain.h"

#include <QList>
#include <QTest>

using namespace strata::mounts;

namespace {

using Bytes = QList<QByteArray>;

Bytes toBytes(const std::vector<std::string> &v)
{
    Bytes out;
    for (const auto &s : v)
        out.append(QByteArray(s.data(), qsizetype(s.size())));
    return out;
}

std::string str(const QByteArray &b)
{
    return std::string(b.constData(), size_t(b.size()));
}

// "k=v" or "k" per option, joined with '|', for compact expectations.
QByteArray othersOf(const OverlayOptions &o)
{
    QByteArrayList parts;
    for (const auto &opt : o.others)
        parts.append(QByteArray::fromStdString(opt.key + (opt.value ? "=" + *opt.value : std::string())));
    return parts.join('|');
}

} // namespace

class TestOverlayOptions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("options");
        QTest::addColumn<Bytes>("lowers");
        QTest::addColumn<Bytes>("data");
        QTest::addColumn<QByteArray>("upper"); // "-" means absent
        QTest::addColumn<QByteArray>("work");
        QTest::addColumn<QByteArray>("others");
        QTest::addColumn<int>("syntax");

        const int legacy = int(LowerSyntax::Legacy), perLayer = int(LowerSyntax::PerLayer),
                  none = int(LowerSyntax::None);
        // lowerdir+ paths are verbatim: ':' raw, only seq_show_option escapes.
        QTest::newRow("per-layer, all escapes") << QByteArray(
            "rw,lowerdir+=/l1we:ir\\054d\\040s\\134x\\011y\\012z\xff\xfe,lowerdir+=/l2,upperdir=/u\\134\\134v,"
            "workdir=/w\\054,uuid=on") << Bytes {"/l1we:ir,d s\\x\ty\nz\xff\xfe", "/l2"}
                                                << Bytes {} << QByteArray("/u\\v") << QByteArray("/w,")
                                                << QByteArray("rw|uuid=on") << perLayer;
        // Legacy lowerdir keeps the user's backslash escapes, then mountinfo escapes them.
        QTest::newRow("legacy, escaped colon and comma")
            << QByteArray("rw,lowerdir=/a\\134:b\\134\\054c:/l2::/d1::/d2,upperdir=/u,workdir=/w")
            << Bytes {"/a:b,c", "/l2"} << Bytes {"/d1", "/d2"} << QByteArray("/u") << QByteArray("/w")
            << QByteArray("rw") << legacy;
        QTest::newRow("legacy, escaped backslash before separator")
            << QByteArray("ro,lowerdir=/a\\134\\134:/b") << Bytes {"/a\\", "/b"} << Bytes {} << QByteArray("-")
            << QByteArray("-") << QByteArray("ro") << legacy;
        QTest::newRow("legacy, newline tab space")
            << QByteArray("lowerdir=/n\\012l\\011t\\040s:/b") << Bytes {"/n\nl\tt s", "/b"} << Bytes {}
            << QByteArray("-") << QByteArray("-") << QByteArray() << legacy;
        QTest::newRow("legacy, single layer") << QByteArray("lowerdir=/only") << Bytes {"/only"} << Bytes {}
                                              << QByteArray("-") << QByteArray("-") << QByteArray() << legacy;
        QTest::newRow("legacy, later replaces earlier")
            << QByteArray("lowerdir=/a:/b,lowerdir=/c") << Bytes {"/c"} << Bytes {} << QByteArray("-")
            << QByteArray("-") << QByteArray() << legacy;
        QTest::newRow("legacy, relative paths") << QByteArray("lowerdir=l1:../l2") << Bytes {"l1", "../l2"} << Bytes {}
                                                << QByteArray("-") << QByteArray("-") << QByteArray() << legacy;
        QTest::newRow("empty lowerdir drops layers")
            << QByteArray("lowerdir=/a,lowerdir=,upperdir=/u") << Bytes {} << Bytes {} << QByteArray("/u")
            << QByteArray("-") << QByteArray() << none;
        QTest::newRow("datadir+") << QByteArray(
            "ro,lowerdir+=/a,datadir+=/d:1,datadir+=/d2,redirect_dir=on,metacopy=on")
                                  << Bytes {"/a"} << Bytes {"/d:1", "/d2"} << QByteArray("-") << QByteArray("-")
                                  << QByteArray("ro|redirect_dir=on|metacopy=on") << perLayer;
        QTest::newRow("flags keep their order")
            << QByteArray("rw,lowerdir+=/a,lowerdir+=/b,upperdir=/u,workdir=/w,default_permissions,"
                          "index=on,xino=off,fsync=strict,userxattr,volatile,verity=require")
            << Bytes {"/a", "/b"} << Bytes {} << QByteArray("/u") << QByteArray("/w")
            << QByteArray("rw|default_permissions|index=on|xino=off|fsync=strict|userxattr|volatile|verity=require")
            << perLayer;
        QTest::newRow("upperdir with overlay escapes")
            << QByteArray("lowerdir=/l,upperdir=/u\\134:x,workdir=/w\\134\\134") << Bytes {"/l"} << Bytes {}
            << QByteArray("/u:x") << QByteArray("/w\\") << QByteArray() << legacy;
        QTest::newRow("not an octal escape is kept")
            << QByteArray("lowerdir+=/a\\9b\\12") << Bytes {"/a\\9b\\12"} << Bytes {} << QByteArray("-")
            << QByteArray("-") << QByteArray() << perLayer;
    }

    void parse()
    {
        QFETCH(QByteArray, options);
        QFETCH(Bytes, lowers);
        QFETCH(Bytes, data);
        QFETCH(QByteArray, upper);
        QFETCH(QByteArray, work);
        QFETCH(QByteArray, others);
        QFETCH(int, syntax);

        const auto parsed = parseOverlayOptions(str(options));
        QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().message().c_str());
        QCOMPARE(toBytes(parsed->lowers), lowers);
        QCOMPARE(toBytes(parsed->dataLayers), data);
        QCOMPARE(parsed->upper ? QByteArray::fromStdString(*parsed->upper) : QByteArray("-"), upper);
        QCOMPARE(parsed->work ? QByteArray::fromStdString(*parsed->work) : QByteArray("-"), work);
        QCOMPARE(othersOf(*parsed), others);
        QCOMPARE(int(parsed->lowerSyntax), syntax);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("options");
        QTest::addColumn<QByteArray>("reason"); // a substring of Error::reason

        QTest::newRow("leading colon") << QByteArray("lowerdir=:/a") << QByteArray("cannot append");
        QTest::newRow("leading double colon") << QByteArray("lowerdir=::/a") << QByteArray("cannot append");
        QTest::newRow("triple colon") << QByteArray("lowerdir=/a:::/b") << QByteArray("double '::'");
        QTest::newRow("four colons") << QByteArray("lowerdir=/a::::/b") << QByteArray("double '::'");
        QTest::newRow("trailing colon") << QByteArray("lowerdir=/a:") << QByteArray("trailing colons");
        QTest::newRow("trailing double colon") << QByteArray("lowerdir=/a::/d::") << QByteArray("trailing colons");
        QTest::newRow("regular after data")
            << QByteArray("lowerdir=/a::/d:/b") << QByteArray("regular lower layers cannot follow data");
        QTest::newRow("escaped end of string") << QByteArray("lowerdir=/a:\\134") << QByteArray("trailing colons");
        QTest::newRow("empty layer after escape") << QByteArray("lowerdir=\\134") << QByteArray("empty lowerdir");
        QTest::newRow("lowerdir+ after lowerdir")
            << QByteArray("lowerdir=/a,lowerdir+=/b") << QByteArray("cannot follow lowerdir");
        QTest::newRow("datadir+ after lowerdir")
            << QByteArray("lowerdir=/a,datadir+=/b") << QByteArray("cannot follow lowerdir");
        QTest::newRow("lowerdir+ after datadir+") << QByteArray("lowerdir+=/a,datadir+=/d,lowerdir+=/b")
                                                  << QByteArray("regular lower layers cannot follow data layers");
        QTest::newRow("datadir+ alone") << QByteArray("datadir+=/d") << QByteArray("at least one regular lower");
        QTest::newRow("empty lowerdir+") << QByteArray("lowerdir+=,lowerdir+=/b") << QByteArray("empty layer path");
        QTest::newRow("empty upperdir") << QByteArray("lowerdir=/a,upperdir=") << QByteArray("empty layer path");
        QTest::newRow("lowerdir without value") << QByteArray("lowerdir") << QByteArray("without a value");
        QTest::newRow("option without name") << QByteArray("lowerdir=/a,=x") << QByteArray("without a name");

        QByteArray legacy501 = "lowerdir=/l0";
        QByteArray plus501 = "lowerdir+=/l0";
        for (int i = 1; i <= 500; ++i) {
            legacy501 += ":/l" + QByteArray::number(i);
            plus501 += ",lowerdir+=/l" + QByteArray::number(i);
        }
        QTest::newRow("501 legacy lowers") << legacy501 << QByteArray("limit is 500");
        QTest::newRow("501 per-layer lowers") << plus501 << QByteArray("limit is 500");
    }

    void malformed()
    {
        QFETCH(QByteArray, options);
        QFETCH(QByteArray, reason);
        const auto parsed = parseOverlayOptions(str(options));
        QVERIFY(!parsed.has_value());
        QVERIFY2(parsed.error().reason.find(str(reason)) != std::string::npos, parsed.error().reason.c_str());
        QCOMPARE(parsed.error().code, EINVAL);
    }

    void limitIsInclusive()
    {
        // 500 layers is the kernel's limit and still valid, in both syntaxes.
        std::string legacy = "lowerdir=/l0", plus = "lowerdir+=/l0";
        for (int i = 1; i < 500; ++i) {
            legacy += ":/l" + std::to_string(i);
            plus += ",lowerdir+=/l" + std::to_string(i);
        }
        QCOMPARE(parseOverlayOptions(legacy).value().lowers.size(), size_t(500));
        QCOMPARE(parseOverlayOptions(plus).value().lowers.size(), size_t(500));
    }

    void octalDecoding()
    {
        // Every byte but NUL, written the way seq_escape writes it, decodes back.
        std::string raw, escaped;
        for (int c = 1; c < 256; ++c) {
            raw += char(c);
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\%03o", c);
            escaped += buf;
        }
        QCOMPARE(decodeOctalEscapes(escaped), raw);
        QCOMPARE(decodeOctalEscapes("\\13"), std::string("\\13")); // too short: kept
    }

    void legacyRoundTrip()
    {
        // Paths holding every separator and escape character, and every other byte.
        std::string all;
        for (int c = 1; c < 256; ++c)
            all += char(c);
        const std::vector<std::string> lowers {"/a:b", "/c,d\\", all, "\\:", "::"};
        const std::vector<std::string> data {"/d:::x", "/e\\\\,"};
        const auto formatted = formatLowerdir(lowers, data);
        QVERIFY(formatted.has_value());
        const auto split = splitLowerdir(*formatted);
        QVERIFY2(split.has_value(), split ? "" : split.error().reason.c_str());
        QCOMPARE(split->lowers, lowers);
        QCOMPARE(split->dataLayers, data);
        QCOMPARE(unescapeLayerPath(escapeLayerPath(all)), all);
    }

    void legacyMountData()
    {
        OverlayOptions o;
        o.lowers = {"/l,1", "/l:2"};
        o.upper = "/u,\\";
        o.work = "/w";
        o.others = {{"index", "off"}, {"userxattr", std::nullopt}};
        const auto data = formatLegacyMountData(o);
        QVERIFY(data.has_value());
        QCOMPARE(*data, std::string("lowerdir=/l\\,1:/l\\:2,upperdir=/u\\,\\\\,workdir=/w,index=off,userxattr"));

        o.lowers.assign(300, std::string(20, 'x'));
        const auto tooLong = formatLegacyMountData(o);
        QVERIFY(!tooLong.has_value());
        QVERIFY(tooLong.error().reason.find("one page") != std::string::npos);

        o.lowers = {};
        QVERIFY(!formatLegacyMountData(o).has_value());
        o.lowers = {""};
        QVERIFY(!formatLegacyMountData(o).has_value());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestOverlayOptions, strata::test::requireNothing)
#include "test_overlayoptions.moc"
