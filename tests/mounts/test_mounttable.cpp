// SPDX-License-Identifier: GPL-2.0-or-later
// The mount table: mountinfo text as the kernel writes it, parsed through libmount,
// and the live table of this process.
#include "mounts/mounttable.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <set>
#include <sys/stat.h>

using namespace strata::mounts;

namespace {

// Lines in the kernel's format (show_mountinfo): mount point and source mangled with
// \ooo for space, tab, newline and backslash; superblock options by seq_show_option.
const std::string kMountInfo
    = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "40 22 0:41 / /mnt/o\\040space rw,relatime - overlay none "
      "rw,lowerdir+=/l\\054a,lowerdir+=/l2,upperdir=/u,workdir=/w,uuid=on\n"
      "41 22 0:42 /sub /mnt/merged rw,nosuid shared:7 master:3 - fuse.mergerfs a:b rw,user_id=0\n"
      "50 22 0:50 / /mnt/stack rw - tmpfs tmpfs rw\n"
      "52 50 0:52 / /mnt/stack rw - overlay none rw,lowerdir=/a:/b\n"
      "53 22 0:53 / /mnt/stack2 rw - overlay overlay ro,lowerdir=/x:/y\n"
      "51 53 0:51 / /mnt/stack2 rw - tmpfs tmpfs rw\n"
      "60 22 0:60 / /mnt/nl\\012tab\\011bs\\134 rw - fuse.strata-fuse strata rw\n";

const MountEntry *byId(const std::vector<MountEntry> &t, int id)
{
    for (const auto &e : t)
        if (e.id == id)
            return &e;
    return nullptr;
}

} // namespace

class TestMountTable : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesFields()
    {
        const auto table = parseMountInfo(kMountInfo);
        QVERIFY2(table.has_value(), table ? "" : table.error().message().c_str());
        QCOMPARE(table->size(), size_t(8));

        const auto *ovl = byId(*table, 40);
        QVERIFY(ovl);
        QCOMPARE(ovl->parentId, 22);
        QCOMPARE(ovl->devMajor, 0u);
        QCOMPARE(ovl->devMinor, 41u);
        QCOMPARE(ovl->target, std::string("/mnt/o space"));
        QCOMPARE(ovl->fstype, std::string("overlay"));
        QCOMPARE(ovl->vfsOptions, std::string("rw,relatime"));
        // The escape that keeps the comma inside the layer path must survive.
        QCOMPARE(ovl->fsOptions, std::string("rw,lowerdir+=/l\\054a,lowerdir+=/l2,upperdir=/u,workdir=/w,uuid=on"));

        const auto *fuse = byId(*table, 41);
        QVERIFY(fuse);
        QCOMPARE(fuse->root, std::string("/sub"));
        QCOMPARE(fuse->source, std::string("a:b"));
        QCOMPARE(fuse->optionalFields, std::string("shared:7 master:3"));
        QCOMPARE(fuse->devMinor, 42u);

        const auto *odd = byId(*table, 60);
        QVERIFY(odd);
        QCOMPARE(odd->target, std::string("/mnt/nl\ntab\tbs\\"));
    }

    void unionFilter()
    {
        const auto table = parseMountInfo(kMountInfo);
        QVERIFY(table.has_value());
        std::set<int> ids;
        for (const auto &e : unionMountsOf(*table))
            ids.insert(e.id);
        QCOMPARE(ids, (std::set<int> {40, 41, 52, 53, 60}));
        for (auto t : unionFsTypes())
            QVERIFY(isUnionFsType(t));
        QVERIFY(!isUnionFsType("fuse"));
        QVERIFY(!isUnionFsType("fuse.sshfs"));
        QVERIFY(!isUnionFsType("overlayfs"));
    }

    void topmostWins()
    {
        const auto table = parseMountInfo(kMountInfo);
        QVERIFY(table.has_value());
        // Stacked later in mountinfo, on top of the tmpfs.
        QCOMPARE(mountAt(*table, "/mnt/stack").value().id, 52);
        // Listed after the overlay but mounted on top of it: still the top one.
        QCOMPARE(mountAt(*table, "/mnt/stack2").value().id, 51);
        QVERIFY(!mountAt(*table, "/mnt").has_value());
        QVERIFY(!mountAt(*table, "/mnt/stack/").has_value()); // exact match only
    }

    void emptyText() { QVERIFY(parseMountInfo("").value().empty()); }

    void liveTable()
    {
        const auto table = readMountTable();
        QVERIFY2(table.has_value(), table ? "" : table.error().message().c_str());
        QVERIFY(!table->empty());
        std::set<int> ids;
        for (const auto &e : *table) {
            QVERIFY2(ids.insert(e.id).second, "mount ids are unique");
            QVERIFY(!e.target.empty());
            QVERIFY(!e.fstype.empty());
            QVERIFY(e.fsOptions.starts_with("rw") || e.fsOptions.starts_with("ro"));
        }
        // /proc is a mount in every environment the tests run in.
        const auto proc = findMount("/proc/self/..");
        QVERIFY2(proc.has_value(), proc ? "" : proc.error().message().c_str());
        QCOMPARE(proc->target, std::string("/proc"));
        QCOMPARE(proc->fstype, std::string("proc"));
    }

    void notAMountPoint()
    {
        strata::test::TempDir dir;
        const std::string sub = dir / "plain";
        QVERIFY(::mkdir(sub.c_str(), 0755) == 0);
        const auto m = findMount(sub);
        QVERIFY(!m.has_value());
        QVERIFY(m.error().reason.find("not a mount point") != std::string::npos);
        const auto missing = findMount(dir / "missing");
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().code, ENOENT);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestMountTable, strata::test::requireNothing)
#include "test_mounttable.moc"
