// SPDX-License-Identifier: GPL-2.0-or-later
// What a copy-up leaves in the upper, against kernel overlayfs over the same
// layers: for regular files (built unnamed with O_TMPFILE where the upper takes
// it, named for set-id files), a sparse file, an empty one, a file with a
// capability, a symlink, a device node and a directory: mode, owner, mtime, size,
// holes, data, xattrs (the overlay's own by name only: their handles differ
// between mounts) and nothing left in work/. A copy-up is caused by an open for
// writing that writes nothing, so the times are the copy's own.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <linux/capability.h>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr uid_t kUid = 4731;
constexpr gid_t kGid = 4732;

std::string capsBlob()
{
    vfs_cap_data d {};
    d.magic_etc = VFS_CAP_REVISION_2;
    d.data[0].permitted = 1u << CAP_NET_RAW;
    return {reinterpret_cast<const char *>(&d), XATTR_CAPS_SZ_2};
}

// The lower: every kind of object a copy-up builds, with metadata to keep.
void populate(const std::string &lower)
{
    const struct timespec old[2] = {{1577836800, 123456789}, {1577836800, 987654321}}; // 2020-01-01
    auto file = [&](const std::string &name, const std::string &data, mode_t mode) {
        writeFile(lower + "/" + name, data, mode);
        ::chown((lower + "/" + name).c_str(), kUid, kGid);
        ::chmod((lower + "/" + name).c_str(), mode); // after chown, which clears set-id bits
    };
    file("plain", std::string(16384, 'p'), 0640);
    ::setxattr((lower + "/plain").c_str(), "user.note", "kept", 4, 0);
    file("setuid", "s", 04755);
    file("setgid", "g", 02775);
    file("empty", "", 0600);
    file("caps", "c", 0755);
    const std::string blob = capsBlob();
    ::setxattr((lower + "/caps").c_str(), "security.capability", blob.data(), blob.size(), 0);
    // 4 MiB: 4 KiB of data, a hole, 4 KiB at the end. The kernel copies in 1 MiB
    // chunks and skips holes between them (ovl_copy_up_file), so its copy has a
    // hole too, not as large as ours.
    const int fd = ::open((lower + "/sparse").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const std::string block(4096, 'x');
    const bool wrote = fd >= 0 && ::pwrite(fd, block.data(), block.size(), 0) == 4096
        && ::pwrite(fd, block.data(), block.size(), (4 << 20) - 4096) == 4096;
    if (fd >= 0)
        ::close(fd);
    if (!wrote)
        QWARN("could not write the sparse lower file");
    ::mkdir((lower + "/dir").c_str(), 0750);
    ::chown((lower + "/dir").c_str(), kUid, kGid);
    ::setxattr((lower + "/dir").c_str(), "user.note", "dir", 3, 0);
    ::symlink("plain", (lower + "/link").c_str());
    ::lchown((lower + "/link").c_str(), kUid, kGid);
    ::mknod((lower + "/node").c_str(), S_IFCHR | 0620, ::makedev(1, 3));
    for (const char *n : {"plain", "setuid", "setgid", "empty", "caps", "sparse", "dir", "link", "node"})
        ::utimensat(AT_FDCWD, (lower + "/" + n).c_str(), old, AT_SYMLINK_NOFOLLOW);
}

// Copy-ups through the mount, each with nothing else changed.
std::string copyUpAll(UnionFixture &u)
{
    for (const char *n : {"plain", "setuid", "setgid", "empty", "caps", "sparse"}) {
        const int fd = ::open(u.path(n).c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return std::string("open for writing ") + n + ": " + std::strerror(errno);
        ::close(fd);
    }
    // A directory is copied up by a change inside it, a symlink and a node by an
    // xattr of their own (the kernel copies up before setting one).
    writeFile(u.path("dir/new"), "n");
    if (::lsetxattr(u.path("link").c_str(), "trusted.strata-test", "l", 1, 0) != 0)
        return std::string("setxattr on link: ") + std::strerror(errno);
    if (::lsetxattr(u.path("node").c_str(), "trusted.strata-test", "n", 1, 0) != 0)
        return std::string("setxattr on node: ") + std::strerror(errno);
    return {};
}

// One upper object, as compared.
std::string describe(const std::string &path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return "absent";
    std::string d = "mode=" + std::to_string(st.st_mode) + " uid=" + std::to_string(st.st_uid)
        + " gid=" + std::to_string(st.st_gid) + " rdev=" + std::to_string(st.st_rdev);
    if (!S_ISDIR(st.st_mode))
        d += " size=" + std::to_string(st.st_size) + " mtime=" + std::to_string(st.st_mtim.tv_sec) + "."
            + std::to_string(st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode)) {
        d += st.st_blocks * 512 < st.st_size ? " holes" : " dense";
        d += " data=" + std::to_string(std::hash<std::string> {}(readFile(path)));
    }
    char names[4096];
    const ssize_t n = ::llistxattr(path.c_str(), names, sizeof(names));
    std::vector<std::string> list;
    for (ssize_t k = 0; k < n; k += static_cast<ssize_t>(std::strlen(names + k)) + 1)
        list.emplace_back(names + k);
    std::ranges::sort(list);
    for (const auto &x : list) {
        d += " " + x;
        if (x.starts_with("trusted.overlay."))
            continue; // handles and markers: their presence is what both must agree on
        char v[256];
        const ssize_t len = ::lgetxattr(path.c_str(), x.c_str(), v, sizeof(v));
        d += "=" + (len < 0 ? std::string("?") : std::to_string(std::hash<std::string_view> {}({v, size_t(len)})));
    }
    return d;
}

std::map<std::string, std::string> run(bool kernel, std::string &why)
{
    UnionFixture u(2);
    populate(u.lower(1));
    if (!(kernel ? u.mountKernel() : u.mountFuse())) {
        why = (kernel ? "kernel mount failed: " : "strata-fuse mount failed: ") + u.daemonLog();
        return {};
    }
    why = copyUpAll(u);
    const bool unmounted = u.unmount();
    if (!why.empty() || !unmounted) {
        why += unmounted ? "" : " unmount failed: " + u.daemonLog();
        return {};
    }
    std::map<std::string, std::string> out;
    for (const char *n : {"plain", "setuid", "setgid", "empty", "caps", "sparse", "dir", "link", "node"})
        out[n] = describe(u.upper() + "/" + n);
    out["work/"] = std::to_string(std::distance(std::filesystem::directory_iterator(u.work() + "/work"),
                                                std::filesystem::directory_iterator {}))
        + " entries";
    return out;
}

std::string table(const std::map<std::string, std::string> &m)
{
    std::string s;
    for (const auto &[k, v] : m)
        s += "  " + k + ": " + v + "\n";
    return s;
}

} // namespace

class TestEngineCopyUpMeta : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void copiedUpObjectsAsTheKernel()
    {
        std::string why;
        const auto kernel = run(true, why);
        QVERIFY2(!kernel.empty(), why.c_str());
        qInfo("kernel overlayfs left:\n%s", table(kernel).c_str());
        // What the kernel leaves, so the comparison means something.
        QVERIFY2(kernel.at("plain").find("user.note=") != std::string::npos, kernel.at("plain").c_str());
        QVERIFY2(kernel.at("plain").find("trusted.overlay.origin") != std::string::npos, kernel.at("plain").c_str());
        QVERIFY2(kernel.at("caps").find("security.capability=") != std::string::npos, kernel.at("caps").c_str());
        QVERIFY2(kernel.at("setuid").find("mode=" + std::to_string(S_IFREG | 04755)) == 0, kernel.at("setuid").c_str());
        QVERIFY2(kernel.at("sparse").find(" holes") != std::string::npos, kernel.at("sparse").c_str());
        QCOMPARE(kernel.at("work/"), std::string("0 entries"));

        const auto fuse = run(false, why);
        QVERIFY2(!fuse.empty(), why.c_str());
        QVERIFY2(fuse == kernel, ("kernel:\n" + table(kernel) + "strata-fuse:\n" + table(fuse)).c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineCopyUpMeta, requireFuseAndKernel)
#include "test_engine_copyupmeta.moc"
