// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: how facts read for both faces (stack/factformat.h): sizes at the unit
// boundaries, ls(1)'s mode letters including the special bits, numeric owners, the
// states list, devices and layer flags.
#include "stack/factformat.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using namespace strata::stack;

class TestFactFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizes_data()
    {
        QTest::addColumn<quint64>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << quint64(0) << "0 B";
        QTest::newRow("below a KiB") << quint64(1023) << "1023 B";
        QTest::newRow("one KiB") << quint64(1024) << "1.0 KiB";
        QTest::newRow("rounded") << quint64(10000) << "9.8 KiB";
        QTest::newRow("just below a MiB") << quint64(1024 * 1024 - 1) << "1024.0 KiB";
        QTest::newRow("one MiB") << quint64(1024 * 1024) << "1.0 MiB";
        QTest::newRow("largest") << ~quint64(0) << "16.0 EiB";
    }
    void sizes()
    {
        QFETCH(quint64, bytes);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(formatSize(bytes)), text);
        QCOMPARE(formatBytes(bytes), std::to_string(bytes));
    }

    void modes_data()
    {
        QTest::addColumn<uint>("mode");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("octal");
        QTest::newRow("dir") << uint(S_IFDIR | 0755) << "drwxr-xr-x" << "0755";
        QTest::newRow("file") << uint(S_IFREG | 0640) << "-rw-r-----" << "0640";
        QTest::newRow("setuid with x") << uint(S_IFREG | 04755) << "-rwsr-xr-x" << "4755";
        QTest::newRow("setuid without x") << uint(S_IFREG | 04644) << "-rwSr--r--" << "4644";
        QTest::newRow("setgid") << uint(S_IFREG | 02750) << "-rwxr-s---" << "2750";
        QTest::newRow("sticky dir") << uint(S_IFDIR | 01777) << "drwxrwxrwt" << "1777";
        QTest::newRow("sticky without x") << uint(S_IFDIR | 01776) << "drwxrwxrwT" << "1776";
        QTest::newRow("0/0 whiteout") << uint(S_IFCHR) << "c---------" << "0000";
        QTest::newRow("symlink") << uint(S_IFLNK | 0777) << "lrwxrwxrwx" << "0777";
    }
    void modes()
    {
        QFETCH(uint, mode);
        QFETCH(QString, text);
        QFETCH(QString, octal);
        QCOMPARE(QString::fromStdString(formatMode(mode)), text);
        QCOMPARE(QString::fromStdString(formatModeOctal(mode)), octal);
    }

    void ownersStatesDevices()
    {
        QCOMPARE(formatOwner(0, 0), std::string("0:0"));
        QCOMPARE(formatOwner(100000, 100001), std::string("100000:100001"));
        QCOMPARE(formatStates(0), std::string());
        QCOMPARE(formatStates(StateCopiedUp | StateMetacopy), std::string("copied-up, metacopy"));
        QCOMPARE(formatDevice(makedev(8, 1)), std::string("8:1"));
        FsIdentity fs;
        QCOMPARE(formatLayerFlags(fs), std::string());
        fs.readOnly = fs.remote = true;
        QCOMPARE(formatLayerFlags(fs), std::string("ro, remote"));
        fs.fsType = "ext4";
        fs.dev = makedev(8, 2);
        QCOMPARE(formatFsIdentity(fs), std::string("ext4, 8:2"));
    }

    void timesAreLocalWithSeconds()
    {
        qputenv("TZ", "UTC");
        ::tzset();
        QCOMPARE(formatTime(timespec {86400 + 3661, 0}), std::string("1970-01-02 01:01:01"));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestFactFormat, strata::test::requireNothing)
#include "test_factformat.moc"
