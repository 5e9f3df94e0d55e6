// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovl/filehandle.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::ovl;

namespace {

constexpr uint8_t kCpu = std::endian::native == std::endian::big ? kFhFlagBigEndian : 0;

// An ext4-style origin: FILEID_INO32_GEN, u32 ino 0x1234, u32 gen 7, this CPU's order.
std::vector<uint8_t> sample(size_t fidBytes = 8, uint8_t type = 1)
{
    FileHandle fh;
    fh.flags = kCpu;
    fh.type = type;
    for (size_t i = 0; i < 16; ++i)
        fh.uuid[i] = static_cast<uint8_t>(0xa0 + i);
    fh.fid.resize(fidBytes);
    const uint32_t words[2] = {0x1234, 7};
    std::memcpy(fh.fid.data(), words, std::min(fidBytes, sizeof(words)));
    return encodeFileHandle(fh);
}

QByteArray qb(const std::vector<uint8_t> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), static_cast<int>(v.size()));
}

std::span<const uint8_t> sp(const QByteArray &b)
{
    return {reinterpret_cast<const uint8_t *>(b.constData()), static_cast<size_t>(b.size())};
}

} // namespace

class TestFileHandle : public QObject {
    Q_OBJECT
private slots:
    void valid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("fidSize");
        QTest::addColumn<QString>("typeName");
        QTest::newRow("ino32_gen") << qb(sample()) << 8 << "ino32_gen";
        QTest::newRow("max 128-byte fid") << qb(sample(kMaxHandleSize)) << 128 << "ino32_gen";
        QTest::newRow("empty fid") << qb(sample(0)) << 0 << "ino32_gen";
        QTest::newRow("btrfs") << qb(sample(20, 0x4d)) << 20 << "btrfs";
        QTest::newRow("unknown type") << qb(sample(8, 0x33)) << 8 << "0x33";
        // ovl_check_fb_len only requires the buffer to be at least len bytes.
        QTest::newRow("trailing bytes ignored") << (qb(sample()) + QByteArray("junk")) << 8 << "ino32_gen";
        auto any = sample();
        any[3] = kFhFlagAnyEndian | (kCpu ^ kFhFlagBigEndian);
        QTest::newRow("foreign endian with ANY_ENDIAN") << qb(any) << 8 << "ino32_gen";
        auto upper = sample();
        upper[3] |= kFhFlagPathUpper;
        QTest::newRow("path upper") << qb(upper) << 8 << "ino32_gen";
    }
    void valid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, fidSize);
        QFETCH(QString, typeName);
        const auto fh = decodeFileHandle(sp(bytes));
        QVERIFY2(fh, fh ? "" : fh.error().reason.c_str());
        QCOMPARE(static_cast<int>(fh->fid.size()), fidSize);
        QCOMPARE(fh->len, static_cast<uint8_t>(kFhHeaderSize + fidSize));
        QCOMPARE(QString::fromStdString(fh->fidTypeName()), typeName);
        QCOMPARE(fh->uuid[0], uint8_t(0xa0));
        QVERIFY(!fh->nullUuid());
        // Re-encoding gives the first len bytes back.
        QCOMPARE(qb(encodeFileHandle(*fh)), bytes.left(fh->len));
        const std::string name = indexName(*fh);
        QCOMPARE(name.size(), size_t(2) * fh->len);
        const auto back = decodeIndexName(name);
        QVERIFY(back);
        QCOMPARE(qb(encodeFileHandle(*back)), bytes.left(fh->len));
    }

    void inoGen()
    {
        auto fh = decodeFileHandle(sample());
        QVERIFY(fh);
        QVERIFY(fh->inoGen());
        QCOMPARE(fh->inoGen()->ino, uint64_t(0x1234));
        QCOMPARE(fh->inoGen()->gen, uint32_t(7));
        // tmpfs (shmem_encode_fh): type 1, gen, ino low, ino high.
        FileHandle t = *fh;
        t.fid.resize(12);
        const uint32_t words[3] = {9, 0x89abcdef, 0x1};
        std::memcpy(t.fid.data(), words, sizeof(words));
        QCOMPARE(t.inoGen()->ino, uint64_t(0x189abcdef));
        QCOMPARE(t.inoGen()->gen, uint32_t(9));
        // FILEID_INO32_GEN_PARENT: ino, gen, parent ino, parent gen.
        FileHandle p = *fh;
        p.type = 2;
        p.fid.resize(16);
        QCOMPARE(p.inoGen()->ino, uint64_t(0x1234));
        QCOMPARE(p.fidTypeName(), std::string("ino32_gen_parent"));
        // Foreign byte order recorded in the flags is honoured.
        FileHandle f = *fh;
        f.flags = kFhFlagAnyEndian | (kCpu ^ kFhFlagBigEndian);
        QCOMPARE(f.inoGen()->ino, uint64_t(std::byteswap(uint32_t(0x1234))));
        FileHandle b = *fh;
        b.type = 0x4d;
        QVERIFY(!b.inoGen());
        FileHandle s = *fh;
        s.fid.resize(4);
        QVERIFY(!s.inoGen());
    }

    // Every truncation of a valid handle is malformed, never a read past the end.
    void truncated_data()
    {
        QTest::addColumn<int>("length");
        const auto full = sample();
        for (size_t n = 0; n < full.size(); ++n)
            QTest::addRow("%zu of %zu bytes", n, full.size()) << static_cast<int>(n);
    }
    void truncated()
    {
        QFETCH(int, length);
        const auto full = sample();
        // Copy into an exactly-sized heap buffer so ASan would see an over-read.
        std::vector<uint8_t> cut(full.begin(), full.begin() + length);
        const auto fh = decodeFileHandle(cut);
        QVERIFY(!fh);
        QCOMPARE(fh.error().code, EINVAL);
        const std::string &why = fh.error().reason;
        QVERIFY2(why.find(length < 21 ? "header" : "len 29") != std::string::npos, why.c_str());
    }

    void flags_data()
    {
        QTest::addColumn<int>("flags");
        QTest::addColumn<int>("code");
        for (int bit = 0; bit < 8; ++bit) {
            const int f = (1 << bit) | kCpu;
            int code = 0;
            if (f & ~kFhFlagAll)
                code = ENODATA; // unknown flag bits
            else if (!(f & kFhFlagAnyEndian) && (f & kFhFlagBigEndian) != kCpu)
                code = ENODATA; // foreign endianness
            QTest::addRow("bit %d", bit) << f << code;
        }
        QTest::newRow("cpu endian") << int(kCpu) << 0;
        QTest::newRow("foreign endian") << int(kCpu ^ kFhFlagBigEndian) << ENODATA;
        QTest::newRow("foreign endian + any") << int((kCpu ^ kFhFlagBigEndian) | kFhFlagAnyEndian) << 0;
        QTest::newRow("all known") << int(kFhFlagAll) << 0;
    }
    void flags()
    {
        QFETCH(int, flags);
        QFETCH(int, code);
        auto b = sample();
        b[3] = static_cast<uint8_t>(flags);
        const auto fh = decodeFileHandle(b);
        QCOMPARE(fh.has_value(), code == 0);
        if (code)
            QCOMPARE(fh.error().code, code);
        else
            QCOMPARE(fh->flags, static_cast<uint8_t>(flags));
    }

    // ovl_check_fb_len's order: size/len and magic (EINVAL) before version and flags
    // (ENODATA).
    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        auto magic = sample();
        magic[1] = 0x12;
        QTest::newRow("wrong magic") << qb(magic) << EINVAL << "magic 0x12, expected 0xfb";
        auto version = sample();
        version[0] = 1;
        QTest::newRow("version 1") << qb(version) << ENODATA << "version 1";
        auto both = sample();
        both[0] = 1;
        both[1] = 0;
        QTest::newRow("magic checked before version") << qb(both) << EINVAL << "magic 0x00";
        auto longLen = sample();
        longLen[2] = 30;
        QTest::newRow("len beyond buffer") << qb(longLen) << EINVAL << "len 30 exceeds the 29 bytes";
        auto lenBeforeMagic = longLen;
        lenBeforeMagic[1] = 0;
        QTest::newRow("len checked before magic") << qb(lenBeforeMagic) << EINVAL << "len 30";
        auto shortLen = sample();
        shortLen[2] = 20;
        QTest::newRow("len below header") << qb(shortLen) << EINVAL << "len 20";
        auto flags = sample();
        flags[3] = 0x80 | kCpu;
        QTest::newRow("unknown flag") << qb(flags) << ENODATA << "unknown flags 0x80";
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QFETCH(QString, reason);
        const auto fh = decodeFileHandle(sp(bytes));
        QVERIFY(!fh);
        QCOMPARE(fh.error().code, code);
        QVERIFY2(fh.error().reason.find(reason.toStdString()) != std::string::npos, fh.error().reason.c_str());
    }

    void indexNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("code");
        const std::string good = indexName(*decodeFileHandle(sample()));
        QTest::newRow("good") << QString::fromStdString(good) << 0;
        QTest::newRow("uppercase hex accepted by hex2bin") << QString::fromStdString(good).toUpper() << 0;
        QTest::newRow("short") << QString::fromStdString(good.substr(0, 40)) << EINVAL;
        QTest::newRow("not hex") << QString::fromStdString("zz" + good.substr(2)) << EINVAL;
        QTest::newRow("whiteout-ish name") << "#1" << EINVAL;
        std::string v1 = good;
        v1[1] = '1';
        QTest::newRow("version 1") << QString::fromStdString(v1) << ENODATA;
    }
    void indexNames()
    {
        QFETCH(QString, name);
        QFETCH(int, code);
        const auto fh = decodeIndexName(name.toStdString());
        QCOMPARE(fh.has_value(), code == 0);
        if (code) {
            QCOMPARE(fh.error().code, code);
            QVERIFY(fh.error().reason.starts_with("index name: "));
        }
    }

    // Unprivileged: the handle of a file on the test's own filesystem, when it can
    // encode one, matches name_to_handle_at and carries the fs type.
    void ofFd()
    {
        strata::test::TempDir tmp("strata-fh");
        const std::string path = tmp / "f";
        const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        ::close(fd);
        const int pfd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
        const auto fh = handleOfFd(pfd, true);
        ::close(pfd);
        if (!fh) {
            QCOMPARE(fh.error().code, EOPNOTSUPP);
            QSKIP("this filesystem cannot encode file handles");
        }
        QVERIFY(fh->pathUpper());
        QCOMPARE(fh->bigEndian(), std::endian::native == std::endian::big);
        QCOMPARE(static_cast<size_t>(fh->len), kFhHeaderSize + fh->fid.size());
        QVERIFY(decodeFileHandle(encodeFileHandle(*fh)));
        struct stat st {};
        QCOMPARE(::stat(path.c_str(), &st), 0);
        if (const auto ig = fh->inoGen())
            QCOMPARE(ig->ino, uint64_t(st.st_ino));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestFileHandle, strata::test::requireNothing)
#include "test_filehandle.moc"
