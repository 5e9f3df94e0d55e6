// SPDX-License-Identifier: GPL-2.0-or-later
// Which union object a directory is, once its lower dir was renamed or exchanged
// directly in its layer, against kernel overlayfs over the same layers
// (test_engine_lowerwatch_diff seed 3, sequences 190, 254 and 427). The kernel
// decodes an upper's overlay.origin only for a non-directory (namei.c ovl_lookup:
// "if (upperdentry && !d.is_dir) ovl_check_origin"): a directory is keyed by the
// lower dir its lookup finds by name or redirect (inode.c ovl_hash_bylower), else
// by its upper, and shows that st_ino. strata-fuse keyed an upper dir by its
// origin, so the lower dir it names, looked up under its new name, was taken for
// the upper dir (its attributes and listing shown there), or the other way round,
// depending on which was looked up first; a fresh mount did it too.
//
// Three cases, the upper written by the kernel: a copied-up dir whose lower dir
// was renamed in its layer, a dir renamed through the union (a redirect) whose
// lower dir was renamed in its layer, and a copied-up dir whose lower dir was
// exchanged with another (RENAME_EXCHANGE) in its layer. Each fresh strata-fuse
// mount, with the names looked up in both orders, shows what a fresh kernel mount
// shows, inode numbers included; and a strata-fuse mount that holds the names
// while the lower changes (lowerwatch) converges on it.
#include "freshview.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QTest>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace strata;
using namespace strata::test;

namespace {

// The names the cases look at, in the sequence directory "d".
const std::vector<std::string> kNames = {"x", "y", "zz", "q", "a", "b"};

// Lower 0: d/x/f, d/a/fa, d/b/fb; lower 1: d/z/g.
void buildLowers(const UnionFixture &u)
{
    writeFile(u.lower(0) + "/d/x/f", "f");
    writeFile(u.lower(0) + "/d/a/fa", "fa");
    writeFile(u.lower(0) + "/d/b/fb", "fb");
    writeFile(u.lower(1) + "/d/z/g", "g");
}

// Through the union at `m`: x and a copied up (a file created in each), z renamed
// to zz (an upper dir with a redirect).
std::string unionChanges(const std::string &m)
{
    for (const char *p : {"/d/x/new", "/d/a/new"}) {
        const int fd = ::open((m + p).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
            return std::string("create ") + p + ": " + std::strerror(errno);
        ::close(fd);
    }
    if (::rename((m + "/d/z").c_str(), (m + "/d/zz").c_str()) != 0)
        return std::string("rename z zz: ") + std::strerror(errno);
    return {};
}

// Directly in the lowers: x renamed to y, z to q, a and b exchanged.
std::string lowerChanges(const UnionFixture &u)
{
    const std::string l0 = u.lower(0) + "/d", l1 = u.lower(1) + "/d";
    if (::rename((l0 + "/x").c_str(), (l0 + "/y").c_str()) != 0)
        return std::string("rename x y: ") + std::strerror(errno);
    if (::rename((l1 + "/z").c_str(), (l1 + "/q").c_str()) != 0)
        return std::string("rename z q: ") + std::strerror(errno);
    if (::renameat2(AT_FDCWD, (l0 + "/a").c_str(), AT_FDCWD, (l0 + "/b").c_str(), RENAME_EXCHANGE) != 0)
        return std::string("exchange a b: ") + std::strerror(errno);
    return {};
}

// The names directly in `dir`, sorted, space-separated.
std::string listing(const std::string &dir)
{
    std::string out;
    for (const auto &[path, entry] : snapshot(dir))
        if (path.find('/') == std::string::npos)
            out += (out.empty() ? "" : " ") + path;
    return out;
}

// What the union at `m` shows of each name, looked up in `order`, printed in
// kNames' order: type, st_ino, mode, nlink and listing.
std::string view(const std::string &m, const std::vector<std::string> &order)
{
    std::vector<std::pair<std::string, std::string>> seen;
    for (const auto &n : order) {
        const std::string p = m + "/d/" + n;
        struct stat st {};
        std::string line;
        if (::lstat(p.c_str(), &st) != 0) {
            line = std::strerror(errno);
        } else {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s ino=%lu mode=%o nlink=%lu", S_ISDIR(st.st_mode) ? "dir" : "other",
                          static_cast<unsigned long>(st.st_ino), st.st_mode & 07777,
                          static_cast<unsigned long>(st.st_nlink));
            line = buf;
            if (S_ISDIR(st.st_mode))
                line += " [" + listing(p) + "]";
        }
        seen.emplace_back(n, line);
    }
    std::string out;
    for (const auto &want : kNames)
        for (const auto &[n, line] : seen)
            if (n == want)
                out += "  " + n + ": " + line + "\n";
    return out;
}

ino_t inoOf(const std::string &path)
{
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

} // namespace

class TestEngineDirIdentity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The upper written by the kernel, the lowers changed while nothing is
    // mounted: fresh mounts of both engines.
    void freshMounts()
    {
        UnionFixture u(2, true);
        buildLowers(u);
        QVERIFY(u.mountKernel());
        const std::string made = unionChanges(u.mnt());
        QVERIFY(u.unmount());
        QVERIFY2(made.empty(), made.c_str());
        u.resetWork();
        const std::string changed = lowerChanges(u);
        QVERIFY2(changed.empty(), changed.c_str());

        const std::vector<std::string> reversed(kNames.rbegin(), kNames.rend());
        QVERIFY(u.mountKernel());
        const std::string kernel = view(u.mnt(), kNames);
        QVERIFY(u.unmount());
        u.resetWork();
        // What the kernel shows, said outright: the upper dirs whose lower dirs
        // moved are their own objects with their upper's inode number; the moved
        // lower dirs show their own contents under their new names.
        const std::string d = u.upper() + "/d";
        QVERIFY2(kernel.find("  x: dir ino=" + std::to_string(inoOf(d + "/x")) + " ") != std::string::npos,
                 kernel.c_str());
        QVERIFY2(kernel.find("  zz: dir ino=" + std::to_string(inoOf(d + "/zz")) + " ") != std::string::npos,
                 kernel.c_str());
        QVERIFY2(kernel.find("  y: dir ino=" + std::to_string(inoOf(u.lower(0) + "/d/y")) + " ") != std::string::npos
                     && kernel.find("[f]") != std::string::npos,
                 kernel.c_str());
        QVERIFY2(kernel.find("  a: dir ino=" + std::to_string(inoOf(u.lower(0) + "/d/a")) + " ") != std::string::npos,
                 kernel.c_str());

        for (const std::vector<std::string> *order : {&kNames, &reversed}) {
            QVERIFY2(u.mountFuse({"lowerwatch=off"}), u.daemonLog().c_str());
            const std::string fuse = view(u.mnt(), *order);
            QVERIFY(u.unmount());
            QVERIFY2(fuse == kernel,
                     ("looked up from " + order->front() + ":\nkernel:\n" + kernel + "strata-fuse:\n" + fuse).c_str());
        }
    }

    // strata-fuse holds every name (the copy-ups and the rename made through it)
    // while the lowers change: it converges on a fresh kernel mount.
    void whileMounted()
    {
        UnionFixture u(2, true);
        buildLowers(u);
        QVERIFY2(u.mountFuse({"lowerwatch=on"}), u.daemonLog().c_str());
        const std::string made = unionChanges(u.mnt());
        QVERIFY2(made.empty(), made.c_str());
        const std::string before = view(u.mnt(), kNames); // every name and listing cached
        const std::string changed = lowerChanges(u);
        QVERIFY2(changed.empty(), changed.c_str());
        long long ms = 0;
        const std::string why = convergeToFresh(u, 2, "d", 5000, &ms);
        QVERIFY2(why.empty(), ("before the lower changes:\n" + before + why).c_str());
        QVERIFY(u.unmount());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineDirIdentity, requireFuseAndKernel)
#include "test_engine_diridentity.moc"
