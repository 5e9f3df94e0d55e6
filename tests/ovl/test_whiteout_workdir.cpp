// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovl/whiteout.h"
#include "ovl/workdir.h"
#include "ovl/xattrs.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"
#include "util/xattrio.h"

#include <QTest>
#include <bit>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace strata;
using namespace strata::ovl;

namespace {

// user.* xattrs work unprivileged on the usual filesystems; skip where they do not.
bool userXattrsWork(int dirfd)
{
    ::close(::openat(dirfd, "probe", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    const bool ok = setXattrAt(dirfd, "probe", "user.strata.probe", "1").has_value();
    ::unlinkat(dirfd, "probe", 0);
    return ok;
}

void touch(const std::string &path)
{
    ::close(::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

} // namespace

class TestWhiteoutWorkdir : public QObject {
    Q_OBJECT
private slots:
    void whiteoutStat_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("major");
        QTest::addColumn<int>("minor");
        QTest::addColumn<bool>("whiteout");
        QTest::newRow("chr 0/0") << int(S_IFCHR) << 0 << 0 << true;
        QTest::newRow("chr 0/0 mode 644") << int(S_IFCHR | 0644) << 0 << 0 << true;
        QTest::newRow("chr 1/3 (null)") << int(S_IFCHR) << 1 << 3 << false;
        QTest::newRow("chr 0/1") << int(S_IFCHR) << 0 << 1 << false;
        QTest::newRow("blk 0/0") << int(S_IFBLK) << 0 << 0 << false;
        QTest::newRow("reg") << int(S_IFREG) << 0 << 0 << false;
    }
    void whiteoutStat()
    {
        QFETCH(int, mode);
        QFETCH(int, major);
        QFETCH(int, minor);
        QFETCH(bool, whiteout);
        struct stat st {};
        st.st_mode = static_cast<mode_t>(mode);
        st.st_rdev = makedev(major, minor);
        QCOMPARE(isWhiteoutStat(st), whiteout);
    }

    void makeWhiteoutIsKernelShaped()
    {
        test::TempDir tmp("strata-wo");
        UniqueFd dir(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        auto r = makeWhiteout(dir.get(), "gone");
        if (!r && (r.error().code == EPERM || r.error().code == EACCES))
            QSKIP("mknod of a 0/0 whiteout is not permitted here (kernel < 5.8 or nodev)");
        QVERIFY2(r, r ? "" : r.error().message().c_str());
        struct stat st {};
        QCOMPARE(::fstatat(dir.get(), "gone", &st, AT_SYMLINK_NOFOLLOW), 0);
        QVERIFY(isWhiteoutStat(st));
        QCOMPARE(st.st_mode & 07777, 0u); // vfs_whiteout: WHITEOUT_MODE 0
        QVERIFY(!makeWhiteout(dir.get(), "gone")); // EEXIST
    }

    void xattrWhiteoutAndWriters()
    {
        test::TempDir tmp("strata-wo");
        UniqueFd dir(::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!userXattrsWork(dir.get()))
            QSKIP("user xattrs unsupported on this filesystem");
        const Namespace ns = Namespace::User;

        QVERIFY(makeXattrWhiteout(dir.get(), "xw", ns));
        struct stat st {};
        QCOMPARE(::fstatat(dir.get(), "xw", &st, 0), 0);
        QVERIFY(couldBeXattrWhiteout(st));
        QCOMPARE(hasXattrWhiteoutMarker(dir.get(), "xw", ns).value(), true);
        QCOMPARE(XattrReader(dir.get(), "xw", ns).whiteoutMarker().value(), true);
        touch(tmp / "plain");
        QCOMPARE(hasXattrWhiteoutMarker(dir.get(), "plain", ns).value(), false);
        // The trusted namespace is a different name.
        QCOMPARE(XattrReader(dir.get(), "xw", ns).raw(Attr::Origin).value(), std::optional<std::string> {});

        ::mkdirat(dir.get(), "d", 0755);
        XattrReader d(dir.get(), "d", ns);
        QCOMPARE(d.opaque().value(), std::optional<Opaque> {});
        QVERIFY(setOpaque(dir.get(), "d", ns, Opaque::Yes));
        QCOMPARE(d.raw(Attr::Opaque).value(), std::optional<std::string>("y"));
        QVERIFY(setOpaque(dir.get(), "d", ns, Opaque::XWhiteouts));
        QVERIFY(d.opaque().value() == Opaque::XWhiteouts);

        QVERIFY(!setRedirect(dir.get(), "d", ns, "a/b")); // invalid: refused
        QVERIFY(setRedirect(dir.get(), "d", ns, "/a/b"));
        QCOMPARE(d.raw(Attr::Redirect).value(), std::optional<std::string>("/a/b")); // no NUL
        QCOMPARE(d.redirect().value()->components.size(), size_t(2));

        QCOMPARE(d.impure().value(), false);
        QVERIFY(setImpure(dir.get(), "d", ns));
        QCOMPARE(d.raw(Attr::Impure).value(), std::optional<std::string>("y"));
        QCOMPARE(d.impure().value(), true);

        QVERIFY(setOrigin(dir.get(), "plain", ns, nullptr));
        XattrReader p(dir.get(), "plain", ns);
        QCOMPARE(p.origin().error().code, ENODATA); // empty: origin unknown
        FileHandle fh;
        fh.type = 1;
        fh.fid = {1, 0, 0, 0, 2, 0, 0, 0};
        fh.flags = std::endian::native == std::endian::big ? kFhFlagBigEndian : 0;
        QVERIFY(setOrigin(dir.get(), "plain", ns, &fh));
        QCOMPARE(p.raw(Attr::Origin).value()->size(), size_t(29));
        QCOMPARE(p.origin().value()->fid, fh.fid);

        QVERIFY(setMetacopy(dir.get(), "plain", ns, nullptr));
        QVERIFY(p.metacopy().value()->legacy);
        QVERIFY(setNlink(dir.get(), "plain", ns, Nlink {Nlink::Base::Lower, -1}));
        QCOMPARE(p.raw(Attr::Nlink).value(), std::optional<std::string>("L-1"));
        QCOMPARE(p.nlink().value()->delta, -1);

        QVERIFY(setXattrAt(dir.get(), "plain", name(ns, Attr::Protattr), "ai"));
        QVERIFY(p.protattr().value()->immutable);
        QVERIFY(setXattrAt(dir.get(), "plain", name(ns, Attr::Upper), std::string(10, 'x')));
        const auto bad = p.upper();
        QCOMPARE(bad.error().code, EINVAL);
        QCOMPARE(bad.error().subject, std::string("plain"));
        QVERIFY2(bad.error().reason.starts_with("upper: "), bad.error().reason.c_str());
        QVERIFY(setXattrAt(dir.get(), "d", name(ns, Attr::Opaque), "yes"));
        QCOMPARE(d.opaque().error().code, EINVAL);
    }

    void workdirLayout()
    {
        test::TempDir tmp("strata-wd");
        auto none = inspectWorkdir(tmp / "missing");
        QVERIFY(none);
        QVERIFY(!none->exists);

        auto empty = inspectWorkdir(tmp.path());
        QVERIFY(empty && empty->exists && !empty->hasWork && !empty->hasIndex);

        ::mkdir((tmp / "work").c_str(), 0);
        ::mkdir((tmp / "index").c_str(), 0700);
        touch(tmp / "work/#1");
        touch(tmp / "work/#2");
        ::mkdir((tmp / "work/incompat").c_str(), 0700);
        ::mkdir((tmp / "work/incompat/volatile").c_str(), 0700);
        touch(tmp / "work/incompat/volatile/dirty");
        auto l = inspectWorkdir(tmp.path());
        if (!l && l.error().code == EACCES)
            QSKIP("work/ is mode 0: reading it needs CAP_DAC_READ_SEARCH");
        QVERIFY2(l, l ? "" : l.error().message().c_str());
        QVERIFY(l->hasWork);
        QVERIFY(l->hasIndex);
        QVERIFY(l->volatileDirty);
        QCOMPARE(l->incompat, std::vector<std::string> {"volatile"});
        QCOMPARE(l->workEntries, size_t(2));
        ::chmod((tmp / "work").c_str(), 0700);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestWhiteoutWorkdir, strata::test::requireNothing)
#include "test_whiteout_workdir.moc"
