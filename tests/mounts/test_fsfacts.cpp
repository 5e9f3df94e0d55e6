// SPDX-License-Identifier: GPL-2.0-or-later
// The one table of filesystems and the facts read from a directory: what statfs,
// statvfs, readdir, getxattr and statx say here agrees with what fsfacts reports.
#include "mounts/fsfacts.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"

#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::UniqueFd;
using strata::test::TempDir;

class TestFsFacts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The preflight listed NFS, CIFS, SMB2, SMB, FUSE, 9p, Ceph, AFS and kAFS; the
    // inspector NFS, CIFS, SMB2, Ceph, FUSE, OrangeFS, kAFS, SMB, NCP and 9p. The one
    // table holds their union, each remote, and the local ones are not.
    void remoteTableIsTheUnion()
    {
        const unsigned long remote[] = {0x6969,     0xFF534D42, 0xFE534D42, 0x517B,     0x564c,    0x65735546,
                                        0x01021997, 0x00c36400, 0x5346414F, 0x6B414653, 0x20030528};
        for (unsigned long m : remote) {
            QVERIFY2(isRemoteFs(m), std::to_string(m).c_str());
            QVERIFY(!fsTypeName(m).empty());
            QVERIFY(!fsKindOf(m).label.empty());
        }
        for (unsigned long m : {0xEF53ul, 0x58465342ul, 0x9123683Eul, 0x01021994ul, 0x794c7630ul})
            QVERIFY(!isRemoteFs(m));
        QVERIFY(isFuseFs(0x65735546));
        QVERIFY(isOverlayFs(0x794c7630));
        QCOMPARE(fsTypeName(0x794c7630), std::string_view("overlay"));
        QVERIFY(fsTypeName(0x12345678).empty());
        QVERIFY(!isRemoteFs(0x12345678));
    }

    // Local filesystems that settle a capability never contradict a probe.
    void tableAgreesWithProbes()
    {
        TempDir t("strata-fsfacts");
        UniqueFd fd(::open(t.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        QVERIFY(fd);
        FsFacts f;
        QVERIFY(fsFactsOf(fd.get(), f));
        struct statfs sfs {};
        QCOMPARE(::fstatfs(fd.get(), &sfs), 0);
        QCOMPARE(f.kind.magic, static_cast<unsigned long>(sfs.f_type));
        QVERIFY(!f.readOnly); // TempDir writes here
        QVERIFY(!f.typeName().empty());
        const Support dtype = probeDType(fd.get());
        QVERIFY(dtype != Support::Unknown);
        if (f.kind.dType != Support::Unknown)
            QCOMPARE(dtype, f.kind.dType);
        // user.* xattrs: what a direct getxattr says.
        const bool unsupported
            = ::fgetxattr(fd.get(), "user.strata.none", nullptr, 0) < 0 && (errno == ENOTSUP || errno == EOPNOTSUPP);
        QCOMPARE(probeXattrs(fd.get(), "user.strata.none"), unsupported ? Support::No : Support::Yes);
        // And through an O_PATH fd, which fgetxattr itself refuses.
        UniqueFd path(::open(t.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        QCOMPARE(probeXattrs(path.get(), "user.strata.none"), unsupported ? Support::No : Support::Yes);
    }

    // A filesystem missing from the table is still described: by its magic in hex.
    void unknownMagicShownInHex()
    {
        UniqueFd fd(::open("/proc/self/ns/mnt", O_PATH | O_CLOEXEC));
        QVERIFY2(fd, "no /proc/self/ns/mnt"); // every test here runs with /proc
        FsFacts f;
        QVERIFY(fsFactsOf(fd.get(), f));
        QCOMPARE(f.kind.magic, 0x6e736673ul); // NSFS_MAGIC
        QVERIFY(f.kind.name.empty());
        QCOMPARE(f.typeName(), std::string("0x6e736673"));
    }

    // Pseudo filesystems raise no create/delete events: the watch polls them.
    void pseudoFilesystems()
    {
        UniqueFd proc(::open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC));
        QVERIFY(proc);
        FsFacts f;
        QVERIFY(fsFactsOf(proc.get(), f));
        QCOMPARE(f.typeName(), std::string("proc"));
        QVERIFY(f.kind.pseudo && !f.kind.remote);
        QVERIFY(isPseudoFs(0x62656572)); // sysfs
        QVERIFY(!isPseudoFs(0xEF53)); // ext4
        QCOMPARE(probeXattrs(proc.get(), "user.strata.none"), Support::No);
    }

    // One uuid reader for every kind of fd: an O_PATH fd is reopened for the ioctl.
    void fsUuidFromAnyFd()
    {
        TempDir t("strata-fsfacts");
        UniqueFd path(::open(t.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        UniqueFd read(::open(t.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        QVERIFY(path && read);
        QCOMPARE(fsUuidOf(path.get()), fsUuidOf(read.get()));
        QVERIFY(!fsUuidOf(-1));
        // The table's id: the one mountinfo prints for the mount the fd is on.
        UniqueFd slash(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        const uint64_t tableId = tableMountIdOf(slash.get());
        QVERIFY(tableId != 0);
        const std::string mountinfo = strata::test::readText("/proc/self/mountinfo");
        std::istringstream lines(mountinfo);
        bool listed = false;
        for (std::string line; std::getline(lines, line);) {
            std::istringstream fields(line);
            uint64_t id = 0, parent = 0;
            std::string dev, root, mountPoint;
            if (fields >> id >> parent >> dev >> root >> mountPoint && id == tableId && mountPoint == "/")
                listed = true;
        }
        QVERIFY2(listed, mountinfo.c_str());
    }

    void mountIdsAndRoots()
    {
        TempDir t("strata-fsfacts");
        UniqueFd dir(::open(t.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        UniqueFd parent(::open((t.path() + "/..").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        QVERIFY(dir && parent);
        bool root = true;
        const uint64_t id = mountIdOf(dir.get(), &root);
        QVERIFY(id != 0);
        QVERIFY(!root); // a fresh directory is no mount's root
        // The same mount as its parent unless the parent is a mount root of another.
        bool parentRoot = false;
        const uint64_t parentId = mountIdOf(parent.get(), &parentRoot);
        QVERIFY(parentId != 0);
        if (!parentRoot)
            QCOMPARE(parentId, id);
        UniqueFd slash(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        bool slashRoot = false;
        QVERIFY(mountIdOf(slash.get(), &slashRoot) != 0);
        QVERIFY(slashRoot);
        QCOMPARE(mountIdOf(-1), uint64_t(0));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestFsFacts, strata::test::requireNothing)
#include "test_fsfacts.moc"
