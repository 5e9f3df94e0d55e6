// SPDX-License-Identifier: GPL-2.0-or-later
// Data-only lower layers ("::") and metacopy files, against kernel overlayfs over
// the same layers: lower metacopy files redirected into data-only layers (with and
// without metacopy=on), a metacopy whose data is in a lower layer below, a dangling
// redirect, names only the data layers have; writes that copy the data up; and an
// upper with the kernel's metacopy=on copy-ups mounted by strata-fuse and back.
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

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

constexpr off_t kSparseSize = 1 << 20;

std::string pattern(size_t n)
{
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
    return s;
}

// A metadata-only file as composefs and the kernel's metacopy copy-up write it:
// sparse, full size, overlay.metacopy (empty: no digest), maybe a redirect.
void metaFile(const std::string &path, off_t size, const std::string &redirect, mode_t mode = 0644)
{
    writeFile(path, "", mode);
    QVERIFY(::truncate(path.c_str(), size) == 0);
    QVERIFY(::lsetxattr(path.c_str(), "trusted.overlay.metacopy", "", 0, 0) == 0);
    if (!redirect.empty())
        QVERIFY(::lsetxattr(path.c_str(), "trusted.overlay.redirect", redirect.data(), redirect.size(), 0) == 0);
}

void buildLayers(UnionFixture &u)
{
    u.addDataLayers(2);
    const std::string l0 = u.lower(0), l1 = u.lower(1), d0 = u.dataLayer(0), d1 = u.dataLayer(1);
    writeFile(d0 + "/data/g", "g from data0");
    writeFile(d1 + "/data/g", "g from data1, shadowed");
    writeFile(d1 + "/data/f", pattern(20000));
    writeFile(d0 + "/visible.txt", "data layers are never visible by path");
    {
        // Mostly a hole: the kernel's st_blocks guess (from the size) differs from
        // the real count until the data is looked up.
        writeFile(d1 + "/data/sparse", std::string(4096, 'S'));
        QVERIFY(::truncate((d1 + "/data/sparse").c_str(), kSparseSize) == 0);
    }
    metaFile(l1 + "/f", 20000, "/data/f", 0640);
    QVERIFY(::lchown((l1 + "/f").c_str(), 1000, 1000) == 0);
    QVERIFY(::lsetxattr((l1 + "/f").c_str(), "user.note", "meta", 4, 0) == 0);
    metaFile(l1 + "/sparse", kSparseSize, "/data/sparse");
    metaFile(l1 + "/g", 12, "/data/g");
    metaFile(l1 + "/dangling", 5, "/nothere");
    metaFile(l1 + "/dir/m", 20000, "/data/f");
    metaFile(l0 + "/top", 12, "/data/g"); // not in the last lower: needs metacopy=on
    metaFile(l0 + "/h", 6, ""); // data in the lower below: needs metacopy=on
    writeFile(l1 + "/h", "H data");
    writeFile(l0 + "/plain.txt", "plain");
}

const std::vector<std::string> kNames
    = {"f", "sparse", "g", "dangling", "dir/m", "top", "top2", "h", "plain.txt", "visible.txt", "data", "data/g"};

// `exact`: with st_blocks and st_ino, which only one set of layers can compare:
// inode numbers differ between two copies, and a kernel copy-up fills the holes
// inside each 1 MiB chunk where strata-fuse keeps them (docs/ENGINE.md).
std::string statLine(const std::string &p, bool exact = true)
{
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0)
        return "errno " + std::to_string(errno);
    std::string s = "mode " + std::to_string(st.st_mode) + " uid " + std::to_string(st.st_uid) + " size "
        + std::to_string(st.st_size) + " nlink " + std::to_string(st.st_nlink);
    if (exact)
        s += " blocks " + std::to_string(st.st_blocks) + " ino " + std::to_string(st.st_ino);
    return s;
}

// What both engines must agree on for each name: stat before and after reading
// (st_blocks changes once the data is looked up), the content, a user xattr.
std::string probe(const std::string &m, bool exact = true)
{
    std::string out;
    for (const auto &n : kNames) {
        const std::string p = m + "/" + n;
        out += n + ": " + statLine(p, exact);
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            out += " | open errno " + std::to_string(errno);
        } else {
            std::string data;
            char buf[65536];
            ssize_t r;
            while ((r = ::read(fd, buf, sizeof(buf))) > 0)
                data.append(buf, static_cast<size_t>(r));
            ::close(fd);
            out += " | read " + (r < 0 ? "errno " + std::to_string(errno) : std::to_string(data.size()) + " bytes")
                + " hash " + std::to_string(std::hash<std::string> {}(data));
        }
        out += " | " + statLine(p, exact);
        char x[64];
        const ssize_t xl = ::lgetxattr(p.c_str(), "user.note", x, sizeof(x));
        out += " | note " + (xl < 0 ? "errno " + std::to_string(errno) : std::string(x, static_cast<size_t>(xl)));
        out += "\n";
    }
    std::vector<std::string> names;
    for (const auto &e : std::filesystem::directory_iterator(m))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    out += "ls:";
    for (const auto &n : names)
        out += " " + n;
    return out + "\n";
}

// One change of each kind that copies up, with its errno.
std::string applyChanges(const std::string &m)
{
    std::string out;
    auto rec = [&](const char *what, int rc) { out += std::string(what) + "=" + std::to_string(rc ? errno : 0) + " "; };
    const int fd = ::open((m + "/f").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    rec("open f", fd < 0);
    if (fd >= 0) {
        rec("append f", ::write(fd, "X", 1) != 1);
        ::close(fd);
    }
    rec("truncate g", ::truncate((m + "/g").c_str(), 3));
    rec("chmod sparse", ::chmod((m + "/sparse").c_str(), 0600)); // kernel: a metacopy copy-up
    rec("chown dir/m", ::chown((m + "/dir/m").c_str(), 1000, 1000));
    rec("rename top", ::rename((m + "/top").c_str(), (m + "/top2").c_str()));
    rec("unlink h", ::unlink((m + "/h").c_str()));
    rec("truncate dangling", ::truncate((m + "/dangling").c_str(), 1));
    return out;
}

void appendTo(const std::string &p, const std::string &data)
{
    const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    QVERIFY2(fd >= 0, p.c_str());
    QCOMPARE(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    ::close(fd);
}

bool hasXattr(const std::string &p, const char *name)
{
    return ::lgetxattr(p.c_str(), name, nullptr, 0) >= 0;
}

// Each case runs with the kernel's defaults and with metacopy=on, on both engines.
void addOptionRows()
{
    QTest::addColumn<QString>("options");
    QTest::newRow("defaults") << QString();
    QTest::newRow("metacopy=on") << QStringLiteral("metacopy=on");
}

} // namespace

class TestEngineDataLayers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readOnlyView_data() { addOptionRows(); }

    void readOnlyView()
    {
        QFETCH(QString, options);
        UnionFixture u;
        buildLayers(u);
        QVERIFY(u.mountKernel(true, options.toStdString()));
        const std::string kernel = probe(u.mnt());
        QVERIFY(u.unmount());
        std::vector<std::string> extra;
        if (!options.isEmpty())
            extra.push_back(options.toStdString());
        QVERIFY2(u.mountFuse(extra, true), u.daemonLog().c_str());
        const std::string fuse = probe(u.mnt());
        QVERIFY(u.unmount());
        // The view must have something in it: data served from a data-only layer.
        QVERIFY2(kernel.find("g: mode 33188 uid 0 size 12") != std::string::npos, kernel.c_str());
        QCOMPARE(QString::fromStdString(fuse), QString::fromStdString(kernel));
    }

    void writesCopyUpTheData_data() { addOptionRows(); }

    // The same changes on each engine's own copy of the layers: the same results and
    // views; each upper then mounted by the other engine shows the same view.
    void writesCopyUpTheData()
    {
        QFETCH(QString, options);
        const std::string opt = options.toStdString();
        const std::vector<std::string> extra = opt.empty() ? std::vector<std::string> {} : std::vector {opt};
        UnionFixture k, s;
        buildLayers(k);
        buildLayers(s);
        QVERIFY(k.mountKernel(false, opt));
        const std::string kernelResults = applyChanges(k.mnt());
        const std::string kernel = probe(k.mnt(), false);
        QVERIFY(k.unmount());
        QVERIFY2(s.mountFuse(extra), s.daemonLog().c_str());
        const std::string fuseResults = applyChanges(s.mnt());
        const std::string fuse = probe(s.mnt(), false);
        const std::string fuseExact = probe(s.mnt());
        QVERIFY(s.unmount());
        QCOMPARE(QString::fromStdString(fuseResults), QString::fromStdString(kernelResults));
        QCOMPARE(QString::fromStdString(fuse), QString::fromStdString(kernel));
        // strata-fuse copies whole files up: no metacopy in its upper.
        QVERIFY(!hasXattr(s.upper() + "/sparse", "trusted.overlay.metacopy"));
        if (opt == "metacopy=on")
            QVERIFY2(hasXattr(k.upper() + "/sparse", "trusted.overlay.metacopy"), "kernel made no metacopy copy-up");

        // Each upper (the kernel's with its metacopy copy-ups) through the other engine,
        // against a fresh mount of its own (a data lookup done before is forgotten).
        k.resetWork();
        QVERIFY(k.mountKernel(false, opt));
        const std::string kernelAgain = probe(k.mnt());
        QVERIFY(k.unmount());
        k.resetWork();
        QVERIFY2(k.mountFuse(extra), k.daemonLog().c_str());
        const std::string fuseOverKernel = probe(k.mnt());
        QVERIFY(k.unmount());
        QCOMPARE(QString::fromStdString(fuseOverKernel), QString::fromStdString(kernelAgain));
        s.resetWork();
        QVERIFY(s.mountKernel(false, opt));
        const std::string kernelOverFuse = probe(s.mnt());
        QVERIFY(s.unmount());
        QCOMPARE(QString::fromStdString(kernelOverFuse), QString::fromStdString(fuseExact));
    }

    // An upper metacopy file the kernel wrote gets its data when strata-fuse writes
    // it, in place (the marker goes); the kernel then shows what strata-fuse showed.
    void upperMetacopyGetsItsData()
    {
        UnionFixture u;
        buildLayers(u);
        QVERIFY(u.mountKernel(false, "metacopy=on"));
        QVERIFY(::chmod(u.path("sparse").c_str(), 0600) == 0);
        QVERIFY(::chown(u.path("dir/m").c_str(), 1000, 1000) == 0);
        QVERIFY(::chmod(u.path("h").c_str(), 0600) == 0);
        QVERIFY(u.unmount());
        QVERIFY(hasXattr(u.upper() + "/dir/m", "trusted.overlay.metacopy"));
        QVERIFY(hasXattr(u.upper() + "/h", "trusted.overlay.metacopy"));
        u.resetWork();

        // Without metacopy=on both engines refuse to follow the upper metacopy.
        QVERIFY(u.mountKernel(false));
        const std::string kernelOff = statLine(u.path("h")) + " " + statLine(u.path("dir/m"));
        QVERIFY(u.unmount());
        u.resetWork();
        QVERIFY2(u.mountFuse(), u.daemonLog().c_str());
        const std::string fuseOff = statLine(u.path("h")) + " " + statLine(u.path("dir/m"));
        QVERIFY(u.unmount());
        QCOMPARE(QString::fromStdString(fuseOff), QString::fromStdString(kernelOff));
        QVERIFY2(kernelOff.find("errno 1") != std::string::npos, kernelOff.c_str());
        u.resetWork();

        QVERIFY2(u.mountFuse({"metacopy=on"}), u.daemonLog().c_str());
        appendTo(u.path("sparse"), "Y");
        appendTo(u.path("dir/m"), "Z");
        QVERIFY(::truncate(u.path("h").c_str(), 2) == 0);
        const std::string fuse = probe(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY(!hasXattr(u.upper() + "/sparse", "trusted.overlay.metacopy"));
        QVERIFY(!hasXattr(u.upper() + "/dir/m", "trusted.overlay.metacopy"));
        QCOMPARE(readFile(u.upper() + "/h"), std::string("H "));
        u.resetWork();
        QVERIFY(u.mountKernel(false, "metacopy=on"));
        const std::string kernel = probe(u.mnt());
        QVERIFY(u.unmount());
        QCOMPARE(QString::fromStdString(fuse), QString::fromStdString(kernel));
        QVERIFY2(fuse.find("dir/m: mode 33188 uid 1000 size 20001") != std::string::npos, fuse.c_str());
    }

    void badLayerLists()
    {
        UnionFixture u;
        u.addDataLayers(2);
        // A regular layer after a data-only one, and ":::" : both refused, as by the kernel.
        for (const std::string &lowers :
             {u.lower(0) + "::" + u.dataLayer(0) + ":" + u.dataLayer(1), u.lower(0) + ":::" + u.dataLayer(0)}) {
            QVERIFY(::mount("overlay", u.mnt().c_str(), "overlay", 0, ("lowerdir=" + lowers).c_str()) != 0);
            std::string err;
            QCOMPARE(runFuse({"-f", "-o", "lowerdir=" + lowers, u.mnt()}, &err), 2);
            QVERIFY2(err.find("lowerdir") != std::string::npos, err.c_str());
        }
        std::string err;
        QCOMPARE(runFuse({"-f", "-o", "lowerdir=" + u.lower(0) + ",verity=on", u.mnt()}, &err), 2);
        QVERIFY2(err.find("verity") != std::string::npos, err.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineDataLayers, requireFuseAndKernel)

#include "test_engine_datalayers.moc"
