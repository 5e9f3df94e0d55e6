// SPDX-License-Identifier: GPL-2.0-or-later
// index=on: the names of a lower hard link stay one object across copy-up, as with
// kernel overlayfs index=on. The same operations on both engines give the same
// results and views (link counts and shared inode numbers included), and the upper
// and workdir/index either one wrote mount with the other showing the same view.
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include "ovl/filehandle.h"

#include <QTest>
#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

// lower1: one file with three names (two in h/), one with a single name, and a
// three-name file whose names get renamed over.
void buildHardlinks(const UnionFixture &u)
{
    const std::string l = u.lower(1);
    writeFile(l + "/h/one", "shared data");
    ::link((l + "/h/one").c_str(), (l + "/h/two").c_str());
    ::link((l + "/h/one").c_str(), (l + "/three").c_str());
    writeFile(l + "/solo", "solo");
    writeFile(l + "/pair1", "pair data");
    ::link((l + "/pair1").c_str(), (l + "/pair2").c_str());
    ::link((l + "/pair1").c_str(), (l + "/pair3").c_str());
    std::filesystem::create_directories(l + "/deep");
    ::link((l + "/pair1").c_str(), (l + "/deep/pair4").c_str());
    writeFile(u.lower(0) + "/top", "top");
}

std::vector<int> applyIndexChanges(const std::string &m)
{
    std::vector<int> r;
    auto rec = [&](int rc) { r.push_back(rc == 0 ? 0 : errno); };
    auto append = [&](const std::string &p, const std::string &data) {
        const int fd = ::open((m + "/" + p).c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        rec(fd < 0 ? -1 : (::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) ? 0 : -1));
        if (fd >= 0)
            ::close(fd);
    };
    append("h/one", " + one"); // copy-up into the index, linked up at h/one
    rec(::chmod((m + "/h/two").c_str(), 0600)); // the same object under another name
    rec(::link((m + "/three").c_str(), (m + "/h/four").c_str()));
    rec(::unlink((m + "/h/one").c_str()));
    append("three", " + three");
    rec(::link((m + "/solo").c_str(), (m + "/solo2").c_str()));
    rec(::rename((m + "/h/two").c_str(), (m + "/h/six").c_str())); // written through another name
    append("pair1", " + p1");
    // Shown through the index entry: the xattr call acts there, linking nothing up.
    // (with a link-up, deep/ would be copied up and merged: st_nlink 1, not 2).
    rec(::removexattr((m + "/deep/pair4").c_str(), "user.y"));
    rec(::rename((m + "/top").c_str(), (m + "/pair2").c_str())); // over an indexed name without upper alias
    append("pair3", " + p3");
    rec(::rename((m + "/solo").c_str(), (m + "/pair3").c_str())); // over an indexed name with one
    return r;
}

// Inode number and link count of each name of the shared object.
std::string linkFacts(const std::string &m)
{
    std::string out;
    for (const char *n : {"h/six", "three", "h/four"}) {
        struct stat st {};
        if (::lstat((m + "/" + n).c_str(), &st) != 0) {
            out += std::string(n) + ":absent ";
            continue;
        }
        out += std::string(n) + ":nlink=" + std::to_string(st.st_nlink) + " ";
    }
    struct stat a {}, b {}, c {};
    ::lstat((m + "/h/six").c_str(), &a);
    ::lstat((m + "/three").c_str(), &b);
    ::lstat((m + "/h/four").c_str(), &c);
    out += (a.st_ino == b.st_ino && b.st_ino == c.st_ino) ? "same-ino" : "different-ino";
    return out;
}

void resetWorkKeepIndex(const UnionFixture &u)
{
    std::filesystem::remove_all(u.work() + "/work");
}

void appendTo(const std::string &path, const std::string &data)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    QVERIFY2(fd >= 0, path.c_str());
    QCOMPARE(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ::close(fd);
}

std::string kernelOptions(const std::string &lowers, const std::string &upper, const UnionFixture &u)
{
    return "lowerdir=" + lowers + ",upperdir=" + upper + ",workdir=" + u.work() + ",redirect_dir=on,index=on";
}

std::string fuseOptions(const std::string &lowers, const std::string &upper, const UnionFixture &u)
{
    return "lowerdir=" + lowers + ",upperdir=" + upper + ",workdir=" + u.work() + ",index=on";
}

// Whether each engine mounts these layers: "" when both refuse, else what happened.
std::string bothRefuse(const UnionFixture &u, const std::string &lowers, const std::string &upper,
                       const std::string &expect)
{
    resetWorkKeepIndex(u);
    if (::mount("overlay", u.mnt().c_str(), "overlay", 0, kernelOptions(lowers, upper, u).c_str()) == 0) {
        ::umount2(u.mnt().c_str(), 0);
        return "the kernel mounted it";
    }
    resetWorkKeepIndex(u);
    std::string err;
    const int rc = runFuse({"-f", "-o", fuseOptions(lowers, upper, u), u.mnt()}, &err);
    if (rc != 1 || err.find(expect) == std::string::npos)
        return "strata-fuse: exit " + std::to_string(rc) + ": " + err;
    return {};
}

std::string indexOf(const std::string &file)
{
    const int fd = ::open(file.c_str(), O_PATH | O_CLOEXEC);
    auto fh = ovl::handleOfFd(fd);
    ::close(fd);
    return fh ? ovl::indexName(*fh) : std::string();
}

std::vector<std::string> entries(const std::string &dir)
{
    std::vector<std::string> out;
    for (const auto &e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// An index with a leftover, a stale entry (its origin is another file) and an
// orphan (no name left, overlay.nlink says 0), as ovl_indexdir_cleanup removes them.
void spoilIndex(const UnionFixture &u)
{
    const std::string index = u.work() + "/index";
    writeFile(index + "/#17", "leftover");
    const std::string shared = index + "/" + indexOf(u.lower(1) + "/h/one");
    QVERIFY(::link(shared.c_str(), (index + "/" + indexOf(u.lower(1) + "/solo")).c_str()) == 0);
    QVERIFY(::unlink((u.upper() + "/pair1").c_str()) == 0);
    const std::string pair = index + "/" + indexOf(u.lower(1) + "/pair1");
    QVERIFY(::lsetxattr(pair.c_str(), "trusted.overlay.nlink", "U-1", 3, 0) == 0);
}

} // namespace

class TestEngineIndex : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hardLinksStayLinkedAcrossCopyUp()
    {
        UnionFixture k, s;
        buildHardlinks(k);
        buildHardlinks(s);
        QVERIFY(k.mountKernel(false, "index=on"));
        const std::vector<int> kernelErrs = applyIndexChanges(k.mnt());
        const Snapshot kernel = snapshot(k.mnt());
        const std::string kernelLinks = linkFacts(k.mnt());
        QVERIFY(k.unmount());

        QVERIFY2(s.mountFuse({"index=on"}), s.daemonLog().c_str());
        const std::vector<int> fuseErrs = applyIndexChanges(s.mnt());
        const Snapshot fuse = snapshot(s.mnt());
        const std::string fuseLinks = linkFacts(s.mnt());
        const std::string shared = readFile(s.path("h/six"));
        QVERIFY(s.unmount());
        QCOMPARE(shared, std::string("shared data + one + three"));
        QVERIFY2(kernel.at("pair1").nlink == 2, kernel.at("pair1").describe().c_str());
        QCOMPARE(fuseErrs, kernelErrs);
        QCOMPARE(QString::fromStdString(kernelLinks),
                 QStringLiteral("h/six:nlink=3 three:nlink=3 h/four:nlink=3 same-ino"));
        QCOMPARE(fuseLinks, kernelLinks);
        std::string d = diff(kernel, fuse, "kernel index=on", "strata-fuse index=on");
        QVERIFY2(d.empty(), d.c_str());

        // strata-fuse's upper and index, mounted by the kernel with index=on.
        resetWorkKeepIndex(s);
        QVERIFY(s.mountKernel(false, "index=on"));
        const Snapshot kernelOverFuse = snapshot(s.mnt());
        const std::string kernelOverFuseLinks = linkFacts(s.mnt());
        QVERIFY(s.unmount());
        d = diff(kernel, kernelOverFuse, "kernel", "kernel over strata-fuse's upper");
        QVERIFY2(d.empty(), d.c_str());
        QCOMPARE(kernelOverFuseLinks, kernelLinks);

        // And the kernel's, mounted by strata-fuse.
        resetWorkKeepIndex(k);
        QVERIFY2(k.mountFuse({"index=on"}), k.daemonLog().c_str());
        const Snapshot fuseOverKernel = snapshot(k.mnt());
        const std::string fuseOverKernelLinks = linkFacts(k.mnt());
        QVERIFY(k.unmount());
        d = diff(kernel, fuseOverKernel, "kernel", "strata-fuse over the kernel's upper");
        QVERIFY2(d.empty(), d.c_str());
        QCOMPARE(fuseOverKernelLinks, kernelLinks);
    }

    // The kernel's mount-time checks (ovl_get_indexdir): an upper and index written
    // over other lower layers, or an index of another upper, refuse the mount.
    void mismatchedLayersAreRefused()
    {
        UnionFixture u;
        buildHardlinks(u);
        QVERIFY(u.mountKernel(false, "index=on"));
        appendTo(u.path("h/one"), " + one");
        QVERIFY(u.unmount());
        const std::string lowers = u.lower(0) + ":" + u.lower(1);
        const std::string swapped = u.lower(1) + ":" + u.lower(0);
        std::string why = bothRefuse(u, swapped, u.upper(), "upper root origin");
        QVERIFY2(why.empty(), why.c_str());
        const std::string upper2 = u.dir() / "upper2";
        std::filesystem::create_directories(upper2);
        why = bothRefuse(u, lowers, upper2, "index (upper");
        QVERIFY2(why.empty(), why.c_str());
        // The right layers still mount, with strata-fuse too.
        resetWorkKeepIndex(u);
        QVERIFY2(u.mountFuse({"index=on"}), u.daemonLog().c_str());
        QCOMPARE(readFile(u.path("h/two")), std::string("shared data + one"));
        QVERIFY(u.unmount());
    }

    void staleIndexEntriesAreRemoved()
    {
        UnionFixture k, s;
        for (UnionFixture *u : {&k, &s}) {
            buildHardlinks(*u);
            QVERIFY(u->mountKernel(false, "index=on"));
            appendTo(u->path("h/one"), " + one");
            appendTo(u->path("pair1"), " + p1");
            QVERIFY(u->unmount());
            spoilIndex(*u);
            resetWorkKeepIndex(*u);
        }
        QCOMPARE(entries(k.work() + "/index").size(), size_t(4));
        QVERIFY(k.mountKernel(false, "index=on"));
        const Snapshot kernel = snapshot(k.mnt());
        QVERIFY(k.unmount());
        QVERIFY2(s.mountFuse({"index=on"}), s.daemonLog().c_str());
        const Snapshot fuse = snapshot(s.mnt());
        QVERIFY(s.unmount());
        const std::vector<std::string> kept = {indexOf(k.lower(1) + "/h/one")};
        QCOMPARE(entries(k.work() + "/index"), kept);
        QCOMPARE(entries(s.work() + "/index"), std::vector<std::string> {indexOf(s.lower(1) + "/h/one")});
        const std::string d = diff(kernel, fuse, "kernel", "strata-fuse");
        QVERIFY2(d.empty(), d.c_str());

        // An entry neither can verify (not a file handle's name) refuses the mount.
        writeFile(k.work() + "/index/zz", "");
        const std::string why = bothRefuse(k, k.lowerdirOption(), k.upper(), "index entry the kernel cannot verify");
        QVERIFY2(why.empty(), why.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineIndex, requireFuseAndKernel)
#include "test_engine_index.moc"
