// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse, one operation family at a time, through a real mount.
#include "layersetup.h"
#include "ovl/xattrs.h"
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <dirent.h>
#include <set>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

using namespace strata;
using namespace strata::test;

namespace {

std::set<std::string> names(const std::string &dir)
{
    std::set<std::string> out;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
                out.insert(e->d_name);
        ::closedir(d);
    }
    return out;
}

std::optional<ovl::Opaque> opaqueOf(const std::string &path)
{
    auto o = ovl::XattrReader(AT_FDCWD, path, ovl::Namespace::Trusted).opaque();
    return o && *o ? std::optional(**o) : std::nullopt;
}

std::string redirectOf(const std::string &path)
{
    auto r = ovl::XattrReader(AT_FDCWD, path, ovl::Namespace::Trusted).redirect();
    return r && *r ? (*r)->path : std::string("(none)");
}

bool isWhiteout(const std::string &path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0;
}

} // namespace

class TestEngineOps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void failuresBeforeMountAreOneClearLine()
    {
        UnionFixture u;
        buildLowers(u);
        std::string err;
        auto expectFailure = [&](std::vector<std::string> args, const std::string &needle) {
            err.clear();
            const int rc = runFuse(args, &err);
            QVERIFY2(rc != 0, ("exit 0 for " + needle).c_str());
            QVERIFY2(err.find(needle) != std::string::npos, err.c_str());
            QVERIFY(!isMountPoint(u.mnt()));
        };
        const std::string lo = "lowerdir=" + u.lowerdirOption();
        expectFailure({"-o", "lowerdir=" + u.dir().path() + "/missing", u.mnt()}, "/missing: lowerdir cannot be used");
        expectFailure({"-o", lo + ",upperdir=" + u.lower(0) + "/dir,workdir=" + u.work(), u.mnt()}, "inside lowerdir");
        expectFailure({"-o", lo + ",upperdir=" + u.upper(), u.mnt()}, "upperdir needs workdir");
        expectFailure({"-o", lo + ",bogus=1", u.mnt()}, "unknown option");
        expectFailure({"-o", lo + ",passthrough=maybe", u.mnt()}, "passthrough takes auto, on or off");
        expectFailure({"-o", lo, u.dir().path() + "/nomnt"}, "mount point cannot be used");
        // A workdir on another filesystem than the upper.
        const std::string other = u.dir() / "otherfs";
        ::mkdir(other.c_str(), 0755);
        QVERIFY(::mount("tmpfs", other.c_str(), "tmpfs", 0, nullptr) == 0);
        expectFailure({"-o", lo + ",upperdir=" + u.upper() + ",workdir=" + other, u.mnt()}, "another filesystem");
        ::umount2(other.c_str(), MNT_DETACH);
    }

    void mountFormOfMountFuse3()
    {
        UnionFixture u;
        buildLowers(u);
        // What mount -t fuse.strata-fuse runs: type source mountpoint -o options.
        std::string err;
        const int rc = runFuse(
            {"strata", u.mnt(), "-o",
             "rw,nosuid,nodev,lowerdir=" + u.lowerdirOption() + ",upperdir=" + u.upper() + ",workdir=" + u.work()},
            &err);
        QCOMPARE(rc, 0); // daemonized, and only once the mount was live
        QVERIFY(isMountPoint(u.mnt()));
        QCOMPARE(readFile(u.path("a.txt")), std::string("top-a"));
        QVERIFY(u.unmount());
    }

    void lookupAndReaddirMerge()
    {
        UnionFixture u;
        buildLowers(u);
        buildRedirectUpper(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(names(u.mnt()),
                 (std::set<std::string> {"a.txt", "b.txt", "big.bin", "dir", "hidden", "link", "renamed"}));
        QCOMPARE(names(u.path("dir")), (std::set<std::string> {"x.txt", "y.txt", "z.txt"}));
        QCOMPARE(names(u.path("hidden")), (std::set<std::string> {"k.txt"}));
        QCOMPARE(names(u.path("renamed")), (std::set<std::string> {"added.txt", "inside.txt"}));
        QCOMPARE(readFile(u.path("a.txt")), std::string("top-a"));
        QCOMPARE(readFile(u.path("renamed/inside.txt")), std::string("in orig"));
        struct stat st {}, real {};
        QCOMPARE(::lstat(u.path("gone.txt").c_str(), &st), -1);
        QCOMPARE(errno, ENOENT);
        QCOMPARE(::lstat(u.path("hidden/h.txt").c_str(), &st), -1);
        // Inode numbers are the real files'.
        QCOMPARE(::lstat(u.path("a.txt").c_str(), &st), 0);
        QCOMPARE(::lstat((u.lower(0) + "/a.txt").c_str(), &real), 0);
        QCOMPARE(st.st_ino, real.st_ino);
        QCOMPARE(st.st_mode, real.st_mode);
        char target[64] = {};
        QCOMPARE(::readlink(u.path("link").c_str(), target, sizeof(target) - 1), 5);
        QCOMPARE(std::string(target), std::string("a.txt"));
        QVERIFY(u.unmount());
    }

    void readWithPassthrough()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const std::string data = readFile(u.path("big.bin"));
        QCOMPARE(data.size(), size_t(3 << 20));
        QCOMPARE(data, std::string(3 << 20, 'B'));
        QVERIFY(u.unmount());
        const std::string log = u.daemonLog();
        const bool active = log.find("FUSE passthrough active") != std::string::npos;
        qInfo("passthrough: %s", active ? "fuse_passthrough_open succeeded" : log.c_str());
        if (::geteuid() == 0)
            QVERIFY2(active || log.find("passthrough") != std::string::npos, log.c_str());
    }

    void copyUpOnWrite()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        struct stat before {};
        QCOMPARE(::lstat(u.path("dir/x.txt").c_str(), &before), 0);
        {
            const int fd = ::open(u.path("dir/x.txt").c_str(), O_WRONLY | O_APPEND);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, "+", 1), ssize_t(1));
            ::close(fd);
        }
        QCOMPARE(readFile(u.path("dir/x.txt")), std::string("x from lower1+"));
        QCOMPARE(readFile(u.lower(1) + "/dir/x.txt"), std::string("x from lower1"));
        QCOMPARE(readFile(u.upper() + "/dir/x.txt"), std::string("x from lower1+"));
        struct stat after {};
        QCOMPARE(::lstat(u.path("dir/x.txt").c_str(), &after), 0);
        QCOMPARE(after.st_ino, before.st_ino); // stable across copy-up
        auto origin = ovl::XattrReader(AT_FDCWD, u.upper() + "/dir/x.txt", ovl::Namespace::Trusted).origin();
        QVERIFY(origin && *origin);
        // The parent was copied up first, with its origin, and marked impure.
        auto parentOrigin = ovl::XattrReader(AT_FDCWD, u.upper() + "/dir", ovl::Namespace::Trusted).origin();
        QVERIFY(parentOrigin && *parentOrigin);
        auto impure = ovl::XattrReader(AT_FDCWD, u.upper() + "/dir", ovl::Namespace::Trusted).impure();
        QVERIFY(impure && *impure);
        // Attribute changes copy up too and keep the lower's metadata otherwise.
        QCOMPARE(::chmod(u.path("dir/y.txt").c_str(), 0604), 0);
        struct stat y {};
        QCOMPARE(::lstat((u.upper() + "/dir/y.txt").c_str(), &y), 0);
        QCOMPARE(y.st_mode & 07777, 0604u);
        QCOMPARE(readFile(u.path("dir/y.txt")), std::string("y from lower1"));
        QCOMPARE(::truncate(u.path("big.bin").c_str(), 10), 0);
        QCOMPARE(readFile(u.path("big.bin")), std::string(10, 'B'));
        // Nothing is left staged in work/.
        QVERIFY(names(u.work() + "/work").empty());
        QVERIFY(u.unmount());
    }

    void createAndRemove()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        writeFile(u.path("new.txt"), "fresh");
        QCOMPARE(readFile(u.upper() + "/new.txt"), std::string("fresh"));
        // mkdir in a merge dir is opaque (redirect_dir=on); over a whiteout too.
        QCOMPARE(::mkdir(u.path("nd").c_str(), 0755), 0);
        QCOMPARE(opaqueOf(u.upper() + "/nd"), std::optional(ovl::Opaque::Yes));
        QCOMPARE(::unlink(u.path("b.txt").c_str()), 0);
        QVERIFY(isWhiteout(u.upper() + "/b.txt"));
        QCOMPARE(::mkdir(u.path("b.txt").c_str(), 0700), 0);
        QCOMPARE(opaqueOf(u.upper() + "/b.txt"), std::optional(ovl::Opaque::Yes));
        struct stat st {};
        QCOMPARE(::lstat(u.path("b.txt").c_str(), &st), 0);
        QVERIFY(S_ISDIR(st.st_mode));
        // A pure upper file goes without a trace.
        QCOMPARE(::unlink(u.path("new.txt").c_str()), 0);
        QCOMPARE(::lstat((u.upper() + "/new.txt").c_str(), &st), -1);
        // Merged directories: ENOTEMPTY while anything is visible, then a whiteout.
        QCOMPARE(::rmdir(u.path("dir").c_str()), -1);
        QCOMPARE(errno, ENOTEMPTY);
        for (const char *n : {"dir/x.txt", "dir/y.txt", "dir/z.txt"})
            QCOMPARE(::unlink(u.path(n).c_str()), 0);
        QCOMPARE(::rmdir(u.path("dir").c_str()), 0);
        QVERIFY(isWhiteout(u.upper() + "/dir"));
        QCOMPARE(::lstat(u.path("dir").c_str(), &st), -1);
        QCOMPARE(::symlink("a.txt", u.path("s").c_str()), 0);
        QCOMPARE(readFile(u.path("s")), std::string("top-a"));
        QCOMPARE(::mknod(u.path("wh").c_str(), S_IFCHR, 0), -1); // no whiteouts through the union
        QCOMPARE(errno, EPERM);
        QVERIFY(u.unmount());
    }

    void renameFiles()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(::rename(u.path("a.txt").c_str(), u.path("dir/a-moved.txt").c_str()), 0);
        QVERIFY(isWhiteout(u.upper() + "/a.txt"));
        QCOMPARE(readFile(u.path("dir/a-moved.txt")), std::string("top-a"));
        struct stat st {};
        QCOMPARE(::lstat(u.path("a.txt").c_str(), &st), -1);
        QCOMPARE(
            ::renameat2(AT_FDCWD, u.path("b.txt").c_str(), AT_FDCWD, u.path("dir/x.txt").c_str(), RENAME_NOREPLACE),
            -1);
        QCOMPARE(errno, EEXIST);
        QCOMPARE(::rename(u.path("b.txt").c_str(), u.path("dir/x.txt").c_str()), 0);
        QCOMPARE(readFile(u.path("dir/x.txt")), std::string("b in lower0"));
        QVERIFY(u.unmount());
    }

    // redirect_dir=on: a lower dir is copied up alone and carries where it came from,
    // relative within its parent, absolute elsewhere (dir.c ovl_set_redirect).
    void renameDirectories()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(::rename(u.path("hidden").c_str(), u.path("h2").c_str()), 0);
        QVERIFY(isWhiteout(u.upper() + "/hidden"));
        QCOMPARE(redirectOf(u.upper() + "/h2"), std::string("hidden"));
        QCOMPARE(names(u.upper() + "/h2"), std::set<std::string>()); // the tree stays below
        QCOMPARE(readFile(u.path("h2/k.txt")), std::string("k"));
        QCOMPARE(::rename(u.path("h2").c_str(), u.path("dir/h3").c_str()), 0);
        QCOMPARE(redirectOf(u.upper() + "/dir/h3"), std::string("/hidden"));
        QCOMPARE(::rename(u.path("orig").c_str(), u.path("dir/o").c_str()), 0);
        QCOMPARE(redirectOf(u.upper() + "/dir/o"), std::string("/orig"));
        // A dir inside a renamed dir: its path goes through the parent's redirect.
        QCOMPARE(::rename(u.path("dir").c_str(), u.path("d2").c_str()), 0);
        QCOMPARE(::rename(u.path("d2/h3").c_str(), u.path("h4").c_str()), 0);
        QCOMPARE(redirectOf(u.upper() + "/h4"), std::string("/hidden"));
        QCOMPARE(names(u.path("d2")), (std::set<std::string> {"o", "x.txt", "y.txt", "z.txt"}));
        QCOMPARE(readFile(u.path("d2/o/inside.txt")), std::string("in orig"));
        QVERIFY(u.unmount());
        // The same view after a remount (lookups now follow the redirects).
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(readFile(u.path("h4/k.txt")), std::string("k"));
        QCOMPARE(readFile(u.path("d2/x.txt")), std::string("x from lower1"));
        QCOMPARE(names(u.path("d2/o")), std::set<std::string> {"inside.txt"});
        QVERIFY(u.unmount());
    }

    void exchangeAndLink()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(::renameat2(AT_FDCWD, u.path("a.txt").c_str(), AT_FDCWD, u.path("b.txt").c_str(), RENAME_EXCHANGE), 0);
        QCOMPARE(readFile(u.path("a.txt")), std::string("b in lower0"));
        QCOMPARE(readFile(u.path("b.txt")), std::string("top-a"));
        QCOMPARE(::renameat2(AT_FDCWD, u.path("dir").c_str(), AT_FDCWD, u.path("orig").c_str(), RENAME_EXCHANGE), 0);
        QCOMPARE(readFile(u.path("orig/x.txt")), std::string("x from lower1"));
        QCOMPARE(readFile(u.path("dir/inside.txt")), std::string("in orig"));
        QCOMPARE(redirectOf(u.upper() + "/orig"), std::string("dir"));
        // link(2) copies up first; both names are one file.
        QCOMPARE(::link(u.path("dir/inside.txt").c_str(), u.path("l.txt").c_str()), 0);
        struct stat a {}, b {};
        QCOMPARE(::stat(u.path("l.txt").c_str(), &a), 0);
        QCOMPARE(::stat(u.path("dir/inside.txt").c_str(), &b), 0);
        QCOMPARE(a.st_ino, b.st_ino);
        QCOMPARE(a.st_nlink, nlink_t(2));
        QCOMPARE(::link(u.path("dir").c_str(), u.path("dl").c_str()), -1);
        QCOMPARE(errno, EPERM);
        QVERIFY(u.unmount());
    }

    void xattrs()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        char v[64] = {};
        QCOMPARE(::getxattr(u.path("b.txt").c_str(), "user.note", v, sizeof(v)), ssize_t(5));
        QCOMPARE(::setxattr(u.path("b.txt").c_str(), "user.more", "1", 1, 0), 0);
        char list[256] = {};
        const ssize_t n = ::listxattr(u.path("hidden").c_str(), list, sizeof(list));
        QVERIFY(n >= 0);
        for (const char *p = list; p < list + n; p += std::strlen(p) + 1)
            QVERIFY2(!std::string(p).starts_with("trusted.overlay."), p); // private: hidden
        QCOMPARE(::getxattr(u.path("hidden").c_str(), "trusted.overlay.opaque", v, sizeof(v)), ssize_t(-1));
        // Set through the union, an overlay name is stored escaped (nesting).
        QCOMPARE(::setxattr(u.path("b.txt").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
        QCOMPARE(::lgetxattr((u.upper() + "/b.txt").c_str(), "trusted.overlay.overlay.opaque", v, sizeof(v)),
                 ssize_t(1));
        QCOMPARE(::removexattr(u.path("b.txt").c_str(), "user.more"), 0);
        QVERIFY(u.unmount());
    }

    // Lowers on two filesystems whose inode numbers overlap (two fresh tmpfs number
    // their files alike): a copied-up file keeps its lower's st_ino across copy-up
    // and remount, and never shares an inode with the other layer's file of the same
    // number (its origin names its filesystem by uuid).
    void originsFromTwoLowerFilesystems()
    {
        UnionFixture u;
        for (int i = 0; i < 2; ++i)
            QVERIFY(::mount("tmpfs", u.lower(i).c_str(), "tmpfs", 0, "mode=0755") == 0);
        writeFile(u.lower(0) + "/x", "x in lower0");
        writeFile(u.lower(1) + "/y", "y in lower1");
        struct stat lx {}, ly {};
        QVERIFY(::stat((u.lower(0) + "/x").c_str(), &lx) == 0 && ::stat((u.lower(1) + "/y").c_str(), &ly) == 0);
        const bool sameNumber = lx.st_ino == ly.st_ino;

        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        struct stat before {}, after {};
        QVERIFY(::stat(u.path("y").c_str(), &before) == 0);
        QCOMPARE(::chmod(u.path("y").c_str(), 0600), 0); // copy-up with an origin in lower1
        QVERIFY(::stat(u.path("y").c_str(), &after) == 0);
        QVERIFY(u.unmount());
        QCOMPARE(after.st_ino, before.st_ino);

        u.resetWork();
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        struct stat x {}, y {};
        QVERIFY(::stat(u.path("x").c_str(), &x) == 0);
        QVERIFY(::stat(u.path("y").c_str(), &y) == 0);
        QCOMPARE(readFile(u.path("x")), std::string("x in lower0"));
        QCOMPARE(readFile(u.path("y")), std::string("y in lower1"));
        QCOMPARE(y.st_mode & 07777, 0600u);
        QCOMPARE(y.st_ino, before.st_ino);
        QCOMPARE(x.st_ino, lx.st_ino);
        QVERIFY(u.unmount());
        for (int i = 0; i < 2; ++i)
            ::umount2(u.lower(i).c_str(), MNT_DETACH);
        if (!sameNumber)
            QSKIP("the two tmpfs numbered the files differently: no collision to provoke");
    }

    void readOnlyWithoutUpper()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY2(u.mountFuse({}, true), u.daemonLog().c_str());
        QCOMPARE(readFile(u.path("a.txt")), std::string("top-a"));
        QCOMPARE(::open(u.path("a.txt").c_str(), O_WRONLY), -1);
        QCOMPARE(errno, EROFS);
        QCOMPARE(::mkdir(u.path("x").c_str(), 0755), -1);
        QCOMPARE(errno, EROFS);
        QVERIFY(u.unmount());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineOps, strata::test::requireFuse)
#include "test_engine_ops.moc"
