// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse against kernel overlayfs (redirect_dir=on) over identical layers:
// the same merged view, the same results for the same changes, and an upper
// written by either mounts with the other showing the same view.
#include "layersetup.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QTest>
#include <algorithm>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <sys/xattr.h>

using namespace strata;
using namespace strata::test;

namespace {

void resetWork(const UnionFixture &u)
{
    // The kernel leaves work/work (mode 0) behind; both engines empty it at mount.
    std::filesystem::remove_all(u.work());
    std::filesystem::create_directories(u.work());
}

// How many objects below `dir` (itself included) carry overlay xattrs of each namespace.
std::pair<int, int> overlayXattrCounts(const std::string &dir)
{
    int user = 0, trusted = 0;
    auto count = [&](const std::string &p) {
        char buf[4096];
        const ssize_t n = ::llistxattr(p.c_str(), buf, sizeof(buf));
        bool u = false, t = false;
        for (ssize_t i = 0; i < n; i += static_cast<ssize_t>(std::strlen(buf + i)) + 1) {
            const std::string name(buf + i);
            u |= name.starts_with("user.overlay.");
            t |= name.starts_with("trusted.overlay.");
        }
        user += u;
        trusted += t;
    };
    count(dir);
    for (const auto &e : std::filesystem::recursive_directory_iterator(dir))
        count(e.path().string());
    return {user, trusted};
}

// The xattr names of a path (not followed), sorted, "name=value" each.
std::string xattrsOf(const std::string &p)
{
    char names[4096];
    const ssize_t n = ::llistxattr(p.c_str(), names, sizeof(names));
    if (n < 0)
        return "list errno " + std::to_string(errno);
    std::vector<std::string> out;
    for (ssize_t i = 0; i < n; i += static_cast<ssize_t>(std::strlen(names + i)) + 1) {
        char v[256];
        const ssize_t vl = ::lgetxattr(p.c_str(), names + i, v, sizeof(v));
        // Origins name inodes of one copy of the layers: only whether they name one
        // compares.
        const bool origin = std::strstr(names + i, ".overlay.origin") != nullptr;
        out.push_back(std::string(names + i) + "="
                      + (vl < 0       ? "errno " + std::to_string(errno)
                             : origin ? (vl > 0 ? "<fh>" : "<empty>")
                                      : std::string(v, vl)));
    }
    std::sort(out.begin(), out.end());
    std::string s;
    for (const auto &e : out)
        s += e + ";";
    return s;
}

// xattrs on symlinks through the union, as root: trusted.* are the symlink's own,
// user.* are refused by the VFS (ENODATA to read, EPERM to write); a change copies
// the symlink up with its xattrs.
std::string symlinkXattrOps(const std::string &m)
{
    std::string out;
    auto rc = [&](const char *what, int r) { out += std::string(what) + "=" + std::to_string(r ? errno : 0) + " "; };
    const std::string sl = m + "/sl";
    out += "lower: " + xattrsOf(sl) + " ";
    char v[64];
    rc("get user.x", ::lgetxattr(sl.c_str(), "user.x", v, sizeof(v)) < 0);
    rc("set user.x", ::lsetxattr(sl.c_str(), "user.x", "1", 1, 0));
    rc("remove absent", ::lremovexattr(sl.c_str(), "trusted.absent"));
    rc("set trusted.foo", ::lsetxattr(sl.c_str(), "trusted.foo", "1", 1, 0));
    out += "after set: " + xattrsOf(sl) + " ";
    rc("remove trusted.bar", ::lremovexattr(sl.c_str(), "trusted.bar"));
    rc("set trusted.overlay.x", ::lsetxattr(sl.c_str(), "trusted.overlay.x", "e", 1, 0)); // stored escaped
    out += "after remove: " + xattrsOf(sl) + " ";
    rc("chown sl2", ::lchown((m + "/sl2").c_str(), 1000, 1000));
    out += "sl2: " + xattrsOf(m + "/sl2");
    return out;
}

void buildSymlinks(const UnionFixture &u)
{
    for (const char *n : {"sl", "sl2"}) {
        const std::string p = u.lower(1) + "/" + n;
        QVERIFY(::symlink("target", p.c_str()) == 0);
        QVERIFY(::lsetxattr(p.c_str(), "trusted.bar", "b", 1, 0) == 0);
    }
}

// readdir's d_ino in a merged and in an impure directory, with each name's st_ino.
std::string inodeNumbers(const std::string &m)
{
    std::string out;
    for (const char *d : {"dir", "pure", "many"}) {
        DIR *dir = ::opendir((m + "/" + d).c_str());
        if (!dir)
            return "opendir errno " + std::to_string(errno);
        // All names first: a stat between reads would make the FUSE kernel module
        // switch to READDIRPLUS (FUSE_I_ADVISE_RDPLUS), whose entries carry lookups.
        std::vector<std::pair<std::string, ino_t>> names;
        while (dirent *e = ::readdir(dir))
            names.emplace_back(e->d_name, e->d_ino);
        ::closedir(dir);
        std::vector<std::string> lines;
        for (const auto &[n, ino] : names) {
            struct stat st {};
            ::lstat((m + "/" + d + "/" + n).c_str(), &st);
            lines.push_back(std::string(d) + "/" + n + " d_ino=" + std::to_string(ino)
                            + " st_ino=" + std::to_string(st.st_ino));
        }
        std::sort(lines.begin(), lines.end());
        for (const auto &l : lines)
            out += l + "\n";
    }
    return out;
}

constexpr int kMany = 400;

// Copy-ups in a merged directory and an origin object moved into a pure upper one
// (which becomes impure).
void makeImpure(const std::string &m)
{
    QCOMPARE(::chmod((m + "/dir/x.txt").c_str(), 0600), 0);
    QCOMPARE(::mkdir((m + "/pure").c_str(), 0755), 0);
    QCOMPARE(::rename((m + "/b.txt").c_str(), (m + "/pure/b.txt").c_str()), 0);
    QCOMPARE(::rename((m + "/dir/y.txt").c_str(), (m + "/pure/y.txt").c_str()), 0);
    writeFile(m + "/pure/new", "new");
    for (int i = 0; i < kMany; ++i)
        QCOMPARE(::chmod((m + "/many/f" + std::to_string(i)).c_str(), 0600), 0);
}

// Enough entries that the FUSE kernel module lists most of them with plain READDIR
// (READDIRPLUS only for the first buffer), so the d_ino the engine itself puts in
// each entry is what getdents reports.
void buildMany(const UnionFixture &u)
{
    for (int i = 0; i < kMany; ++i)
        writeFile(u.lower(1) + "/many/f" + std::to_string(i), "x");
}

// Every d_ino equals its name's st_ino, except ".." (its parent's, not compared).
bool dinoMatches(const std::string &listing)
{
    size_t pos = 0;
    while (pos < listing.size()) {
        const size_t end = listing.find('\n', pos);
        const std::string l = listing.substr(pos, end - pos);
        pos = end + 1;
        if (l.find("/.. ") != std::string::npos)
            continue;
        const size_t d = l.find(" d_ino="), s = l.find(" st_ino=");
        if (l.substr(d + 7, s - d - 7) != l.substr(s + 8))
            return false;
    }
    return true;
}

} // namespace

class TestEngineCompat : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameViewOfExistingLayers()
    {
        UnionFixture u;
        buildLowers(u);
        buildRedirectUpper(u);
        QVERIFY(u.mountKernel());
        const Snapshot kernel = snapshot(u.mnt());
        QVERIFY(u.unmount());
        resetWork(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const Snapshot fuse = snapshot(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY(kernel.size() > 10);
        const std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());
    }

    void sameChangesSameResults()
    {
        UnionFixture k, s;
        buildLowers(k);
        buildLowers(s);
        QVERIFY(k.mountKernel());
        const std::vector<int> kernelErrs = applyChanges(k.mnt());
        const Snapshot kernel = snapshot(k.mnt());
        QVERIFY(k.unmount());

        QVERIFY2(s.mountFuse(), s.daemonLog().c_str());
        const std::vector<int> fuseErrs = applyChanges(s.mnt());
        const Snapshot fuse = snapshot(s.mnt());
        QVERIFY(s.unmount());
        QCOMPARE(fuseErrs, kernelErrs);
        std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());

        // The upper strata-fuse wrote, mounted by the kernel: the same view again.
        resetWork(s);
        QVERIFY(s.mountKernel());
        const Snapshot kernelOverFuse = snapshot(s.mnt());
        QVERIFY(s.unmount());
        d = diff(kernel, kernelOverFuse, "kernel", "kernel over strata-fuse's upper");
        QVERIFY2(d.empty(), d.c_str());

        // And the kernel's upper mounted by strata-fuse.
        resetWork(k);
        QVERIFY2(k.mountFuse(), k.daemonLog().c_str());
        const Snapshot fuseOverKernel = snapshot(k.mnt());
        QVERIFY(k.unmount());
        d = diff(kernel, fuseOverKernel, "kernel", "strata-fuse over the kernel's upper");
        QVERIFY2(d.empty(), d.c_str());
    }

    // An upper the kernel wrote with userxattr: strata-fuse, mounted without the
    // option, finds user.overlay.* there and keeps to it (reads and writes).
    void userxattrUpperKeepsItsNamespace()
    {
        UnionFixture u;
        buildLowers(u);
        QVERIFY(u.mountKernel(false, "userxattr"));
        applyChanges(u.mnt());
        QCOMPARE(::unlink(u.path("orig/inside.txt").c_str()), 0);
        const Snapshot kernel = snapshot(u.mnt());
        QVERIFY(u.unmount());
        // A few trusted.overlay.* are expected: the kernel copies lower0/hidden's
        // trusted.overlay.opaque up as a plain xattr under userxattr.
        const auto [user, trusted] = overlayXattrCounts(u.upper());
        QVERIFY(user > trusted);

        resetWork(u);
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const Snapshot fuse = snapshot(u.mnt());
        std::string d = diff(kernel, fuse, "kernel (userxattr)", "strata-fuse");
        // More writes in the same namespace: copy-ups (origin), an opaque directory.
        // No directory renames: with userxattr the kernel neither writes nor follows
        // redirects (redirect_dir=nofollow).
        QCOMPARE(::chmod(u.path("hidden/h.txt").c_str(), 0604), 0); // not opaque under userxattr
        QCOMPARE(::rmdir(u.path("orig").c_str()), 0);
        QCOMPARE(::mkdir(u.path("orig").c_str(), 0711), 0);
        writeFile(u.path("orig/fresh"), "fresh");
        const Snapshot fuseAfter = snapshot(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY2(d.empty(), d.c_str());
        const auto [userAfter, trustedAfter] = overlayXattrCounts(u.upper());
        QVERIFY(userAfter > user);
        QCOMPARE(trustedAfter, trusted);

        resetWork(u);
        QVERIFY(u.mountKernel(false, "userxattr"));
        const Snapshot kernelAfter = snapshot(u.mnt());
        QVERIFY(u.unmount());
        d = diff(fuseAfter, kernelAfter, "strata-fuse", "kernel (userxattr) over strata-fuse's upper");
        QVERIFY2(d.empty(), d.c_str());
    }

    void symlinkXattrs()
    {
        UnionFixture k, s;
        buildSymlinks(k);
        buildSymlinks(s);
        QVERIFY(k.mountKernel());
        const std::string kernel = symlinkXattrOps(k.mnt());
        QVERIFY(k.unmount());
        QVERIFY2(s.mountFuse(), s.daemonLog().c_str());
        const std::string fuse = symlinkXattrOps(s.mnt());
        QVERIFY(s.unmount());
        QVERIFY2(kernel.find("set trusted.foo=0") != std::string::npos, kernel.c_str());
        QCOMPARE(QString::fromStdString(fuse), QString::fromStdString(kernel));
        // The copied-up symlinks carry the same xattrs in both uppers.
        for (const char *n : {"sl", "sl2"})
            QCOMPARE(QString::fromStdString(xattrsOf(s.upper() + "/" + n)),
                     QString::fromStdString(xattrsOf(k.upper() + "/" + n)));
    }

    void readdirInodeNumbers()
    {
        UnionFixture k, s;
        buildLowers(k);
        buildLowers(s);
        buildMany(k);
        buildMany(s);
        QVERIFY(k.mountKernel());
        makeImpure(k.mnt());
        const std::string kernel = inodeNumbers(k.mnt());
        QVERIFY(k.unmount());
        QVERIFY2(dinoMatches(kernel), kernel.c_str());
        // The kernel's upper through strata-fuse: the very same numbers.
        resetWork(k);
        QVERIFY2(k.mountFuse(), k.daemonLog().c_str());
        const std::string fuseOverKernel = inodeNumbers(k.mnt());
        QVERIFY(k.unmount());
        QCOMPARE(QString::fromStdString(fuseOverKernel), QString::fromStdString(kernel));
        // strata-fuse's own changes, and its upper through the kernel.
        QVERIFY2(s.mountFuse(), s.daemonLog().c_str());
        makeImpure(s.mnt());
        const std::string fuse = inodeNumbers(s.mnt());
        QVERIFY(s.unmount());
        QVERIFY2(dinoMatches(fuse), fuse.c_str());
        resetWork(s);
        QVERIFY(s.mountKernel());
        const std::string kernelOverFuse = inodeNumbers(s.mnt());
        QVERIFY(s.unmount());
        QCOMPARE(QString::fromStdString(kernelOverFuse), QString::fromStdString(fuse));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCompat, requireFuseAndKernel)
#include "test_engine_compat.moc"
