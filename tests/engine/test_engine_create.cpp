// SPDX-License-Identifier: GPL-2.0-or-later
// Objects created by a user other than the daemon's, against kernel overlayfs over
// the same layers: owner, group (a setgid parent's), mode after the caller's umask,
// the opaque marker of a directory made in a merge directory. strata-fuse creates
// them in place as the caller (fsuid/fsgid), as ovl_create_upper does, so the upper
// must hold exactly what the kernel's holds, and work/ nothing.
#include "ovl/xattrs.h"
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <grp.h>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr uid_t kUid = 4711;
constexpr gid_t kGid = 4712;
constexpr gid_t kSetgidGroup = 4713;

const std::vector<std::string> kMade
    = {"shared/f", "shared/d", "shared/l", "shared/p", "sg/f", "sg/d", "fresh", "fresh/in"};

void buildLayers(const UnionFixture &u)
{
    ::chmod(u.dir().path().c_str(), 0755); // the user must reach the mount point
    writeFile(u.lower(1) + "/shared/old", "old");
    writeFile(u.lower(0) + "/shared/top", "top");
    ::chmod((u.lower(0) + "/shared").c_str(), 01777);
    ::chmod((u.lower(1) + "/shared").c_str(), 01777);
    writeFile(u.lower(1) + "/sg/x", "x");
    ::chown((u.lower(1) + "/sg").c_str(), 0, kSetgidGroup);
    ::chmod((u.lower(1) + "/sg").c_str(), 02777);
}

// The user's creations, in a child with its ids and umask 027; 0 when all worked.
int createAsUser(const UnionFixture &u)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(kGid, kGid, kGid) != 0 || ::setresuid(kUid, kUid, kUid) != 0)
            ::_exit(10);
        ::umask(027);
        int step = 11;
        auto ok = [&](bool b) {
            if (!b)
                ::_exit(step);
            ++step;
        };
        const int fd = ::open(u.path("shared/f").c_str(), O_CREAT | O_EXCL | O_WRONLY, 0666);
        ok(fd >= 0 && ::write(fd, "data", 4) == 4 && ::close(fd) == 0);
        ok(::mkdir(u.path("shared/d").c_str(), 0777) == 0);
        ok(::symlink("f", u.path("shared/l").c_str()) == 0);
        ok(::mkfifo(u.path("shared/p").c_str(), 0666) == 0);
        ok(::mknod(u.path("sg/f").c_str(), S_IFREG | 0666, 0) == 0);
        ok(::mkdir(u.path("sg/d").c_str(), 0777) == 0);
        ok(::mkdir(u.path("shared/../shared/d/../../fresh").c_str(), 0700) == 0 || errno == EACCES);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

struct Made {
    bool exists = false;
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0;
    std::string opaque;
    bool operator==(const Made &) const = default;
};

std::map<std::string, Made> inUpper(const UnionFixture &u)
{
    std::map<std::string, Made> out;
    for (const auto &rel : kMade) {
        const std::string p = u.upper() + "/" + rel;
        struct stat st {};
        Made m;
        m.exists = ::lstat(p.c_str(), &st) == 0;
        if (m.exists) {
            m.uid = st.st_uid;
            m.gid = st.st_gid;
            m.mode = st.st_mode;
            auto o = ovl::XattrReader(AT_FDCWD, p, ovl::Namespace::Trusted).opaque();
            m.opaque = o && *o ? std::to_string(static_cast<int>(**o)) : "-";
        }
        out[rel] = m;
    }
    return out;
}

std::string describe(const std::map<std::string, Made> &a)
{
    std::string s;
    for (const auto &[rel, m] : a)
        s += rel
            + (m.exists ? " " + std::to_string(m.uid) + ":" + std::to_string(m.gid) + " 0" + std::to_string(m.mode)
                       + " opaque " + m.opaque
                        : " absent")
            + "\n";
    return s;
}

// A directory with nothing below its upper (opaque over a lower one, or new) takes
// creates without a lookup first (ops_dir.cpp createUnderDirLock): the name still
// taken by a file gives EEXIST, one taken by a whiteout is created over, the
// lower's hidden names stay hidden. The union's answers, in order.
void buildPureUpper(const UnionFixture &u)
{
    writeFile(u.lower(0) + "/o/gone", "lower");
    writeFile(u.lower(0) + "/o/below", "below");
    writeFile(u.upper() + "/o/have", "have");
    ::setxattr((u.upper() + "/o").c_str(), "trusted.overlay.opaque", "y", 1, 0);
    ::mknod((u.upper() + "/o/gone").c_str(), S_IFCHR | 0, makedev(0, 0));
}

std::string createsInPureUpper(const UnionFixture &u)
{
    std::string out;
    auto create = [&](const std::string &rel) {
        const int fd = ::open(u.path(rel).c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
        out += rel + (fd >= 0 ? " made" : " " + std::string(std::strerror(errno)));
        if (fd >= 0)
            out += ::write(fd, rel.data(), rel.size()) == static_cast<ssize_t>(rel.size()) && ::close(fd) == 0
                ? " written"
                : " write failed";
        out += "\n";
    };
    auto exists = [&](const std::string &rel) {
        struct stat st {};
        out += rel + (::lstat(u.path(rel).c_str(), &st) == 0 ? " exists\n" : " absent\n");
    };
    exists("o/gone");
    exists("o/below");
    create("o/new");
    create("o/have");
    create("o/gone");
    out += "o/gone holds " + readFile(u.path("o/gone")) + "\n";
    out += ::mkdir(u.path("fresh").c_str(), 0755) == 0 ? "fresh made\n" : "fresh failed\n";
    create("fresh/f");
    create("fresh/f");
    out += ::mkdir(u.path("o/have").c_str(), 0755) == 0 ? "mkdir o/have made\n" : "mkdir o/have refused\n";
    return out;
}

} // namespace

class TestEngineCreate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void createdAsTheCallerLikeTheKernel()
    {
        UnionFixture u;
        buildLayers(u);
        QVERIFY(u.mountKernel());
        QCOMPARE(createAsUser(u), 0);
        const auto kernel = inUpper(u);
        QVERIFY(u.unmount());

        std::filesystem::remove_all(u.upper());
        std::filesystem::create_directories(u.upper());
        u.resetWork();
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        QCOMPARE(createAsUser(u), 0);
        const auto fuse = inUpper(u);
        QCOMPARE(readFile(u.path("shared/f")), std::string("data"));
        QVERIFY(std::filesystem::is_empty(u.work() + "/work"));
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY(kernel.at("shared/f").exists);
        QCOMPARE(kernel.at("shared/f").uid, kUid);
        QVERIFY2(fuse == kernel, ("kernel:\n" + describe(kernel) + "strata-fuse:\n" + describe(fuse)).c_str());
    }

    void createInPureUpperDirLikeTheKernel()
    {
        UnionFixture u;
        buildPureUpper(u);
        QVERIFY(u.mountKernel());
        const std::string kernel = createsInPureUpper(u);
        QVERIFY(u.unmount());

        std::filesystem::remove_all(u.upper());
        std::filesystem::create_directories(u.upper());
        u.resetWork();
        buildPureUpper(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const std::string fuse = createsInPureUpper(u);
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
        QVERIFY2(kernel.find("o/new made written") != std::string::npos, kernel.c_str());
        QVERIFY2(fuse == kernel, ("kernel:\n" + kernel + "strata-fuse:\n" + fuse).c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCreate, requireFuseAndKernel)

#include "test_engine_create.moc"
