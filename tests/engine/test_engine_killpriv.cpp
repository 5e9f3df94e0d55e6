// SPDX-License-Identifier: GPL-2.0-or-later
// Set-id bits and file capabilities after writes, truncates and chowns, against
// kernel overlayfs over the same layers. strata-fuse asks for
// FUSE_CAP_HANDLE_KILLPRIV_V2 (killpriv=daemon, the default), which makes clearing
// them the daemon's job; a passthrough write never reaches the daemon and runs on
// the upper file with the daemon's CAP_FSETID, so what the kernel sends instead
// (ops_attr.cpp killRequested) must be enough. Each case is done by a user without
// capabilities (or by root, who keeps the bits), through passthrough and without,
// and with killpriv=kernel; the union's and the upper's modes and
// security.capability must be what kernel overlayfs leaves (killpriv=kernel: but
// for the one case the kernel's FUSE rule decides otherwise, said below).
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <grp.h>
#include <linux/capability.h>
#include <map>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr uid_t kUid = 4721;
constexpr gid_t kGid = 4722;
constexpr mode_t kSetIds = 06775; // set-user-id, set-group-id, group may execute

struct Case {
    const char *name;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    bool caps; // a security.capability before
    bool upper; // in the upper already (else in a lower: the change copies it up)
};

// Owner kUid unless said; every file holds "data".
const Case kCases[] = {
    {"append", kSetIds, kUid, kGid, false, false},
    {"upperappend", kSetIds, kUid, kGid, false, true},
    {"truncate", kSetIds, kUid, kGid, false, false},
    {"ftruncate", kSetIds, kUid, kGid, false, true},
    {"otrunc", kSetIds, kUid, kGid, false, false},
    {"chownsame", kSetIds, kUid, kGid, false, false}, // chown(f, -1, -1) by the owner
    {"chownroot", kSetIds, kUid, kGid, false, true}, // chown by root
    {"rootappend", kSetIds, kUid, kGid, false, false}, // root keeps the bits (CAP_FSETID)
    {"nogxmember", 02745, kUid, kGid, false, false}, // set-gid without group x, writer in the group: kept
    {"nogxother", 02666, 0, 0, false, false}, // ... writer not in the group: cleared
    {"caps", 0775, kUid, kGid, true, false},
    {"rootcaps", 0755, 0, 0, true, true}, // capabilities go whoever writes
};

std::string capsBlob()
{
    vfs_cap_data d {};
    d.magic_etc = VFS_CAP_REVISION_2;
    d.data[0].permitted = 1u << CAP_NET_RAW;
    return std::string(reinterpret_cast<const char *>(&d), sizeof(d));
}

bool buildLayers(const UnionFixture &u)
{
    ::chmod(u.dir().path().c_str(), 0755); // the user must reach the mount point
    const std::string dir = u.lower(1) + "/d";
    std::filesystem::create_directories(dir);
    ::chmod(dir.c_str(), 0777);
    for (const Case &c : kCases) {
        const std::string p = (c.upper ? u.upper() + "/d" : dir) + "/" + c.name;
        if (c.upper) {
            std::filesystem::create_directories(u.upper() + "/d");
            ::chmod((u.upper() + "/d").c_str(), 0777);
        }
        writeFile(p, "data");
        if (::chown(p.c_str(), c.uid, c.gid) != 0 || ::chmod(p.c_str(), c.mode) != 0)
            return false;
        const std::string blob = capsBlob();
        if (c.caps && ::setxattr(p.c_str(), "security.capability", blob.data(), blob.size(), 0) != 0)
            return false;
    }
    return true;
}

int appendTo(const std::string &p)
{
    const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND);
    if (fd < 0)
        return 1;
    const bool ok = ::write(fd, "more", 4) == 4;
    return ::close(fd) == 0 && ok ? 0 : 2;
}

// `work` in a child with the user's ids and groups (kGid only): no capabilities.
int asUser(const std::function<int()> &work)
{
    const pid_t pid = ::fork();
    if (pid == 0) {
        const gid_t groups[] = {kGid};
        if (::setgroups(1, groups) != 0 || ::setresgid(kGid, kGid, kGid) != 0 || ::setresuid(kUid, kUid, kUid) != 0)
            ::_exit(10);
        ::_exit(work());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

// Every case's change; "" when all worked, else which failed.
std::string changeAll(const UnionFixture &u)
{
    auto at = [&](const char *name) { return u.path(std::string("d/") + name); };
    std::string failed;
    auto check = [&](const char *name, int rc) {
        if (rc != 0)
            failed += std::string(name) + "=" + std::to_string(rc) + " ";
    };
    check("append", asUser([&] { return appendTo(at("append")); }));
    check("upperappend", asUser([&] { return appendTo(at("upperappend")); }));
    check("truncate", asUser([&] { return ::truncate(at("truncate").c_str(), 2) == 0 ? 0 : 1; }));
    check("ftruncate", asUser([&] {
              const int fd = ::open(at("ftruncate").c_str(), O_WRONLY);
              return fd >= 0 && ::ftruncate(fd, 1) == 0 && ::close(fd) == 0 ? 0 : 1;
          }));
    check("otrunc", asUser([&] {
              const int fd = ::open(at("otrunc").c_str(), O_WRONLY | O_TRUNC);
              return fd >= 0 && ::write(fd, "x", 1) == 1 && ::close(fd) == 0 ? 0 : 1;
          }));
    check("chownsame", asUser([&] { return ::chown(at("chownsame").c_str(), -1, -1) == 0 ? 0 : 1; }));
    check("chownroot", ::chown(at("chownroot").c_str(), kUid + 1, kGid) == 0 ? 0 : 1);
    check("rootappend", appendTo(at("rootappend")));
    check("nogxmember", asUser([&] { return appendTo(at("nogxmember")); }));
    check("nogxother", asUser([&] { return appendTo(at("nogxother")); }));
    check("caps", asUser([&] { return appendTo(at("caps")); }));
    check("rootcaps", appendTo(at("rootcaps")));
    return failed;
}

struct After {
    mode_t unionMode = 0;
    mode_t upperMode = 0;
    bool unionCaps = false;
    bool upperCaps = false;
    std::string data;
    bool operator==(const After &) const = default;
};

bool hasCaps(const std::string &p)
{
    return ::getxattr(p.c_str(), "security.capability", nullptr, 0) > 0;
}

std::map<std::string, After> afterAll(const UnionFixture &u)
{
    std::map<std::string, After> out;
    for (const Case &c : kCases) {
        const std::string rel = std::string("d/") + c.name;
        After a;
        struct stat st {};
        if (::stat(u.path(rel).c_str(), &st) == 0)
            a.unionMode = st.st_mode & 07777;
        if (::stat((u.upper() + "/" + rel).c_str(), &st) == 0)
            a.upperMode = st.st_mode & 07777;
        a.unionCaps = hasCaps(u.path(rel));
        a.upperCaps = hasCaps(u.upper() + "/" + rel);
        a.data = readFile(u.path(rel));
        out[c.name] = a;
    }
    return out;
}

std::string describe(const std::map<std::string, After> &m)
{
    std::string s;
    char buf[160];
    for (const auto &[name, a] : m) {
        std::snprintf(buf, sizeof buf, "  %-12s union 0%04o%s upper 0%04o%s \"%s\"\n", name.c_str(), a.unionMode,
                      a.unionCaps ? "+caps" : "", a.upperMode, a.upperCaps ? "+caps" : "", a.data.c_str());
        s += buf;
    }
    return s;
}

// The cases on a fresh stack mounted by `mount`; the results, or empty with `why`.
// `log`: the daemon's stderr, if any.
std::map<std::string, After> run(const std::function<bool(UnionFixture &)> &mount, std::string &why,
                                 std::string *log = nullptr)
{
    UnionFixture u;
    if (!buildLayers(u)) {
        why = "cannot build the layers (chown, chmod or security.capability)";
        return {};
    }
    if (!mount(u)) {
        why = "mount failed: " + u.daemonLog();
        return {};
    }
    if (const std::string failed = changeAll(u); !failed.empty()) {
        why = "changes failed: " + failed + u.daemonLog();
        return {};
    }
    auto out = afterAll(u);
    if (!u.unmount()) {
        why = "unmount failed: " + u.daemonLog();
        return {};
    }
    if (log)
        *log = u.daemonLog();
    return out;
}

} // namespace

class TestEngineKillpriv : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void setIdBitsAndCapsAsTheKernel_data()
    {
        QTest::addColumn<QString>("options");
        QTest::newRow("killpriv=daemon, passthrough") << QString();
        QTest::newRow("killpriv=daemon, passthrough=off") << QStringLiteral("passthrough=off");
        QTest::newRow("killpriv=kernel, passthrough") << QStringLiteral("killpriv=kernel");
    }

    void setIdBitsAndCapsAsTheKernel()
    {
        QFETCH(QString, options);
        std::string why;
        const auto kernel = run([](UnionFixture &u) { return u.mountKernel(); }, why);
        QVERIFY2(!kernel.empty(), why.c_str());
        // What the kernel does, so that the comparison below means something.
        QCOMPARE(kernel.at("append").unionMode, mode_t(0775));
        QCOMPARE(kernel.at("otrunc").upperMode, mode_t(0775));
        QCOMPARE(kernel.at("rootappend").unionMode, kSetIds);
        QCOMPARE(kernel.at("nogxmember").unionMode, mode_t(02745));
        QCOMPARE(kernel.at("nogxother").unionMode, mode_t(0666));
        QVERIFY(!kernel.at("caps").upperCaps && !kernel.at("rootcaps").upperCaps);

        std::vector<std::string> extra;
        if (!options.isEmpty())
            extra.push_back(options.toStdString());
        std::string log;
        const auto fuse = run([&](UnionFixture &u) { return u.mountFuse(extra); }, why, &log);
        QVERIFY2(!fuse.empty(), why.c_str());
        // The writes went where the row says (the daemon says so in the foreground).
        const bool passthrough = options != QStringLiteral("passthrough=off");
        QVERIFY2((log.find("FUSE passthrough active") != std::string::npos) == passthrough, log.c_str());
        // With the kernel clearing the bits for FUSE (killpriv=kernel), a set-gid
        // file without group execute keeps its bit when a user outside its group
        // writes it: fs/fuse/dir.c fuse_setattr clears S_ISGID only together with
        // S_IXGRP, where the VFS rule (attr.c setattr_should_drop_sgid) also asks
        // whether the caller is in the group. killpriv=daemon follows the VFS rule.
        auto expected = kernel;
        if (options == QStringLiteral("killpriv=kernel"))
            expected["nogxother"].unionMode = expected["nogxother"].upperMode = 02666;
        QVERIFY2(fuse == expected, ("expected:\n" + describe(expected) + "strata-fuse:\n" + describe(fuse)).c_str());
    }

    // A file made through the mount has no capabilities (strata-fuse answers that
    // from memory, Inode::upperNoCaps) until setcap through the mount gives it
    // some; a user's write then takes them away again.
    void capsOfACreatedFile()
    {
        auto sequence = [](UnionFixture &u, bool kernel) -> std::string {
            ::chmod(u.dir().path().c_str(), 0755);
            if (!(kernel ? u.mountKernel() : u.mountFuse()))
                return "mount failed: " + u.daemonLog();
            const std::string p = u.path("made");
            writeFile(p, "data", 0666);
            std::string seen;
            char buf[64];
            seen += std::to_string(::getxattr(p.c_str(), "security.capability", buf, sizeof buf)) + " ";
            const std::string blob = capsBlob();
            seen += std::to_string(::setxattr(p.c_str(), "security.capability", blob.data(), blob.size(), 0)) + " ";
            seen += std::to_string(::getxattr(p.c_str(), "security.capability", buf, sizeof buf)) + " ";
            seen += std::to_string(asUser([&] { return appendTo(p); })) + " ";
            seen += std::to_string(::getxattr(p.c_str(), "security.capability", buf, sizeof buf)) + " ";
            seen += hasCaps(u.upper() + "/made") ? "upper+caps" : "upper-nocaps";
            if (!u.unmount())
                return "unmount failed: " + u.daemonLog();
            return seen;
        };
        UnionFixture k, s;
        const std::string kernel = sequence(k, true);
        const std::string fuse = sequence(s, false);
        QCOMPARE(kernel, std::string("-1 0 20 0 -1 upper-nocaps"));
        QCOMPARE(fuse, kernel);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineKillpriv, requireFuseAndKernel)

#include "test_engine_killpriv.moc"
