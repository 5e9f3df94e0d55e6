// SPDX-License-Identifier: GPL-2.0-or-later
// Every rule of strata-helper's validation refuses what it should, with its own code
// (kpmcore's lesson: a validator without a test of each refusal ships broken).
// Runs as any user. As root it judges for strata-alice (when the build root has her),
// so the ownership and readability rules are those of an unprivileged caller.
#include "helperprotocol.h"
#include "rules/pathrules.h"
#include "rules/validation.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::helper;

class TestHelperRules : public QObject {
    Q_OBJECT

    strata::test::TempDir m_tmp {"strata-helper-rules"};
    Caller m_caller;
    uid_t m_other = 0; // a uid that is not the caller

    std::string dir(const std::string &rel, mode_t mode = 0755)
    {
        const std::string p = m_tmp / rel;
        ::mkdir(p.c_str(), mode);
        ::chmod(p.c_str(), mode);
        if (::lchown(p.c_str(), m_caller.uid, m_caller.gid) != 0 && ::getuid() == 0)
            qWarning("chown %s failed", p.c_str());
        return p;
    }

    MountRequest valid()
    {
        MountRequest r;
        r.lowers = {dir("l1"), dir("l2")};
        r.upper = dir("u");
        r.work = dir("w");
        r.mountpoint = dir("m");
        return r;
    }

    int codeOf(const MountRequest &r, const Limits &limits = {})
    {
        auto v = validateMount(r, m_caller, limits);
        if (v)
            return 0;
        qInfo("%d %s", v.error().code, v.error().message().c_str());
        return v.error().code;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ::chmod(m_tmp.path().c_str(), 0755);
        m_caller = Caller::fromUid(::getuid());
        if (::getuid() == 0) {
            if (passwd *alice = ::getpwnam("strata-alice")) {
                m_caller = Caller::fromUid(alice->pw_uid);
                m_other = 0;
            } else {
                m_caller = Caller::fromUid(4242);
                m_caller.gid = 4242;
            }
        } else {
            m_other = 0;
        }
    }

    void acceptsAValidRequest()
    {
        auto v = validateMount(valid(), m_caller);
        QVERIFY2(v, v ? "" : v.error().message().c_str());
        QCOMPARE(v->lowers.size(), size_t(2));
        QVERIFY(v->lowers[0].fd.valid() && v->upper->fd.valid() && v->work->fd.valid() && v->mountpoint.fd.valid());
        QVERIFY(v->mountpoint.mountId != 0);
    }

    void refusesARelativePath()
    {
        auto r = valid();
        r.lowers[1] = "relative/l2";
        QCOMPARE(codeOf(r), int(NotAbsolute));
    }

    void refusesDotDotAndOtherNonCanonicalForms()
    {
        for (const std::string bad : {"/../l1", "/./x", "//tmp", "/tmp/"}) {
            auto r = valid();
            r.mountpoint = m_tmp.path() + bad;
            QCOMPARE(codeOf(r), int(NotCanonical));
        }
    }

    void refusesControlCharacters()
    {
        for (const std::string &bad : {std::string("/tmp/a\nb"), std::string("/tmp/a\tb"), std::string("/tmp/a\x7f")}) {
            auto r = valid();
            r.upper = bad;
            QCOMPARE(codeOf(r), int(ControlCharacter));
        }
    }

    void refusesSeparators()
    {
        for (const std::string name : {"a,b", "a:b", "a\\b"}) {
            auto r = valid();
            r.lowers[0] = dir(name);
            QCOMPARE(codeOf(r), int(Separator));
        }
    }

    void refusesEmptyAndOverlongPaths()
    {
        auto r = valid();
        r.work = "";
        QCOMPARE(codeOf(r), int(PathTooLong));
        r = valid();
        r.work = "/" + std::string(5000, 'x');
        QCOMPARE(codeOf(r), int(PathTooLong));
    }

    void refusesASymlinkedComponent()
    {
        dir("real");
        dir("real/lower");
        const std::string link = m_tmp / "link";
        QCOMPARE(::symlink("real", link.c_str()), 0);
        ::lchown(link.c_str(), m_caller.uid, m_caller.gid);
        auto r = valid();
        r.lowers[0] = link + "/lower"; // the link in the middle
        QCOMPARE(codeOf(r), int(SymlinkComponent));
        r.lowers[0] = link; // the link at the end
        QCOMPARE(codeOf(r), int(SymlinkComponent));
    }

    void refusesANonexistentDirectory()
    {
        auto r = valid();
        r.lowers[0] = m_tmp / "does-not-exist";
        QCOMPARE(codeOf(r), int(NotFound));
    }

    void refusesAFile()
    {
        const std::string f = m_tmp / "file";
        ::close(::open(f.c_str(), O_CREAT | O_WRONLY, 0644));
        auto r = valid();
        r.lowers[1] = f;
        QCOMPARE(codeOf(r), int(NotDirectory));
    }

    void refusesALowerTheCallerCannotRead()
    {
        if (::getuid() != 0 && ::geteuid() == 0)
            QSKIP("needs a caller that is not root");
        auto r = valid();
        r.lowers[1] = dir("private", 0700);
        if (::getuid() == 0)
            QVERIFY(::chown(r.lowers[1].c_str(), 0, 0) == 0); // root's own, 0700
        else
            QVERIFY(::chmod(r.lowers[1].c_str(), 0) == 0);
        QCOMPARE(codeOf(r), int(NotReadable));
        ::chmod(r.lowers[1].c_str(), 0755);
    }

    // The overlay reads lowers as root: a directory deep inside a lower that the
    // caller cannot read would be listed to them through a directory of theirs above.
    void refusesALowerHoldingWhatTheCallerCannotRead_data()
    {
        QTest::addColumn<QString>("inside");
        QTest::addColumn<int>("mode");
        QTest::newRow("unreadable") << QStringLiteral("a/b/secret") << 0300;
        QTest::newRow("unsearchable") << QStringLiteral("a/b/secret") << 0600;
        QTest::newRow("odd name") << QStringLiteral("a/b/se\ncret, x:y") << 0700;
    }
    void refusesALowerHoldingWhatTheCallerCannotRead()
    {
        if (::getuid() != 0)
            QSKIP("needs root to make a directory the caller cannot read inside their layer");
        QFETCH(QString, inside);
        QFETCH(int, mode);
        auto r = valid();
        const std::string l = dir("deep-" + std::to_string(mode));
        r.lowers[1] = l;
        dir("deep-" + std::to_string(mode) + "/a");
        dir("deep-" + std::to_string(mode) + "/a/b");
        // A sibling file and a readable subtree before it: the walk must go on past them.
        dir("deep-" + std::to_string(mode) + "/a/b/fine");
        ::close(::open((l + "/a/b/file").c_str(), O_CREAT | O_WRONLY, 0600));
        QCOMPARE(codeOf(r), 0);
        const std::string secret = l + "/" + inside.toStdString();
        QVERIFY(::mkdir(secret.c_str(), 0700) == 0);
        QVERIFY(::chown(secret.c_str(), 0, 0) == 0);
        QVERIFY(::chmod(secret.c_str(), static_cast<mode_t>(mode)) == 0);
        auto v = validateMount(r, m_caller);
        QVERIFY(!v);
        QCOMPARE(v.error().code, int(LowerNotReadableInside));
        QVERIFY2(v.error().message().find("lowerdir 2") != std::string::npos, v.error().message().c_str());
        QVERIFY2(v.error().message().find(shownPath(inside.toStdString())) != std::string::npos,
                 v.error().message().c_str());
        // Root judges for itself: the overlay shows root nothing it could not read.
        QCOMPARE(validateMount(r, Caller::fromUid(0)).has_value(), true);
    }

    void refusesAMountInsideALower()
    {
        if (::getuid() != 0)
            QSKIP("needs root to mount inside a layer");
        auto r = valid();
        const std::string l = dir("with-mount");
        r.lowers[1] = l;
        const std::string mp = dir("with-mount/mnt");
        QVERIFY2(::mount("strata-test", mp.c_str(), "tmpfs", 0, "mode=0755") == 0, std::strerror(errno));
        auto v = validateMount(r, m_caller);
        ::umount2(mp.c_str(), MNT_DETACH);
        QVERIFY(!v);
        QCOMPARE(v.error().code, int(LowerNotReadableInside));
        QVERIFY2(v.error().message().find("mount point") != std::string::npos, v.error().message().c_str());
    }

    void refusesSomeoneElsesUpper()
    {
        auto r = valid();
        if (::getuid() == 0) {
            r.upper = dir("others-upper");
            QVERIFY(::chown(r.upper->c_str(), m_other, m_other) == 0);
        } else {
            r.upper = "/usr"; // root's
        }
        QCOMPARE(codeOf(r), int(NotOwner));
    }

    void refusesSystemMountPoints()
    {
        for (const char *p : {"/", "/etc", "/etc/ssl", "/usr/lib", "/home", "/tmp", "/run", "/var/lib", "/proc/self"}) {
            QVERIFY2(systemDirectoryOf(p).has_value(), p);
        }
        QVERIFY(systemDirectoryOf("/home/strata-alice").has_value()); // a whole home
        QVERIFY(!systemDirectoryOf("/home/strata-alice/merged").has_value());
        QVERIFY(!systemDirectoryOf("/var/tmp/x").has_value());
        QVERIFY(!systemDirectoryOf("/run/user/1000/x").has_value());
        QVERIFY(systemDirectoryOf("/run/user/1000").has_value());
        QVERIFY(!systemDirectoryOf(m_tmp.path()).has_value());
        auto r = valid();
        r.mountpoint = "/etc";
        // For every caller: the system-directory rule is judged before ownership.
        QCOMPARE(codeOf(r), int(SystemDirectory));
    }

    void refusesOptionsOutsideTheAllowList()
    {
        for (const std::string bad :
             {"lowerdir=/x", "upperdir=/y", "bogus", "index=maybe", "redirect_dir=on,index=on"}) {
            auto r = valid();
            r.options = {bad};
            QCOMPARE(codeOf(r), int(OptionNotAllowed));
        }
        auto r = valid();
        r.options = {"redirect_dir=on", "index=off", "xino=off"};
        QCOMPARE(codeOf(r), 0);
        if (!m_caller.isRoot()) {
            r.options = {"metacopy=on"};
            QCOMPARE(codeOf(r), int(OptionNotAllowed));
        }
        r.backend = Backend::StrataFuse;
        r.options = {"index=on"};
        QCOMPARE(codeOf(r), int(OptionNotAllowed));
        r.options = {"allow_other"}; // the helper decides that, not the caller
        QCOMPARE(codeOf(r), int(OptionNotAllowed));
    }

    // HelperMounter adds userxattr for stacks in the user xattr namespace.
    void allowsUserxattrWithBothBackends()
    {
        auto r = valid();
        r.options = {"userxattr"};
        QCOMPARE(codeOf(r), 0);
        r.backend = Backend::StrataFuse;
        QCOMPARE(codeOf(r), 0);
        r.options = {"userxattr=on"};
        QCOMPARE(codeOf(r), int(OptionNotAllowed));
    }

    void refusesMoreLayersThanTheCap()
    {
        auto r = valid();
        r.lowers.assign(strata::mounts::kMaxLowerLayers + 1, r.lowers[0]);
        QCOMPARE(codeOf(r), int(TooManyLayers));
        r = valid();
        QCOMPARE(codeOf(r, Limits {1}), int(TooManyLayers));
    }

    void refusesTooFewLowers()
    {
        auto r = valid();
        r.lowers.clear();
        QCOMPARE(codeOf(r), int(NoLowerLayer));
        r = valid();
        r.upper.reset();
        r.work.reset();
        r.lowers.resize(1);
        QCOMPARE(codeOf(r), int(NoLowerLayer)); // a read-only kernel overlay needs two
    }

    void refusesAnUpperInsideALower()
    {
        auto r = valid();
        r.upper = dir("l1/upper-in-lower");
        QCOMPARE(codeOf(r), int(UpperInsideLower));
        r = valid();
        r.work = r.lowers[1]; // the very same directory
        QCOMPARE(codeOf(r), int(UpperInsideLower));
    }

    void refusesWorkAndUpperOnDifferentMounts()
    {
        struct stat tmpSt {}, shmSt {};
        if (::stat("/dev/shm", &shmSt) != 0 || ::stat(m_tmp.path().c_str(), &tmpSt) != 0
            || shmSt.st_dev == tmpSt.st_dev)
            QSKIP("no second file system (/dev/shm) here");
        strata::test::TempDir shm("strata-helper-rules");
        Q_UNUSED(shm);
        char tmpl[] = "/dev/shm/strata-helper-rules.XXXXXX";
        QVERIFY(::mkdtemp(tmpl));
        const std::string work = tmpl;
        ::chown(work.c_str(), m_caller.uid, m_caller.gid);
        ::chmod(work.c_str(), 0755);
        auto r = valid();
        r.work = work;
        const int code = codeOf(r);
        ::rmdir(work.c_str());
        QCOMPARE(code, int(DifferentFilesystems));
    }

    void refusesOverlappingLayers()
    {
        auto r = valid();
        r.lowers = {r.lowers[0], r.lowers[0]};
        QCOMPARE(codeOf(r), int(OverlappingLayers));
        r = valid();
        r.lowers[1] = dir("l1/nested");
        QCOMPARE(codeOf(r), int(OverlappingLayers));
        r = valid();
        r.work = dir("u/work-in-upper");
        QCOMPARE(codeOf(r), int(OverlappingLayers));
    }

    void refusesUpperWithoutWork()
    {
        auto r = valid();
        r.work.reset();
        QCOMPARE(codeOf(r), int(UpperWithoutWork));
        r = valid();
        r.upper.reset();
        QCOMPARE(codeOf(r), int(UpperWithoutWork));
    }

    void refusesBadStackNames()
    {
        auto r = valid();
        r.name = "a,b";
        QCOMPARE(codeOf(r), int(BadName));
        r.name = std::string(65, 'a');
        QCOMPARE(codeOf(r), int(BadName));
        r.name = "my-stack_1.0";
        QCOMPARE(codeOf(r), 0);
    }

    void refusesInvalidUtf8()
    {
        auto r = valid();
        r.lowers[0] = m_tmp / "\xff\xfe";
        QCOMPARE(codeOf(r), int(NotUtf8));
    }

    void refusesAMountPointInsideTheUpper()
    {
        auto r = valid();
        r.mountpoint = dir("u/merged");
        QCOMPARE(codeOf(r), int(MountpointBusy));
    }

    void readRequestsFollowTheSameRules()
    {
        ReadRequest r;
        r.lowers = {"relative"};
        QCOMPARE(validateRead(r, m_caller).error().code, int(NotAbsolute));
        r.lowers = {m_tmp / "missing"};
        QCOMPARE(validateRead(r, m_caller).error().code, int(NotFound));
        r.lowers = {dir("l1")};
        QVERIFY(validateRead(r, m_caller));
    }

    void unmountNeedsAMountRoot()
    {
        auto root = resolveMountRoot(dir("m"), m_caller);
        QVERIFY(!root);
        QCOMPARE(root.error().code, int(NotMounted));
        QCOMPARE(resolveMountRoot("m", m_caller).error().code, int(NotAbsolute));
    }

    void messagesNameThePathAndTheRule()
    {
        auto r = valid();
        r.lowers[0] = m_tmp / "does-not-exist";
        auto v = validateMount(r, m_caller);
        QVERIFY(!v);
        const std::string m = v.error().message();
        QVERIFY2(m.find("lowerdir 1 " + m_tmp.path() + "/does-not-exist") != std::string::npos, m.c_str());
        QVERIFY2(m.find("does not exist") != std::string::npos, m.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestHelperRules, strata::test::requireNothing)
#include "test_helper_rules.moc"
