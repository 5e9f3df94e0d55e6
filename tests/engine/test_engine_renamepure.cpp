// SPDX-License-Identifier: GPL-2.0-or-later
// Renaming a lower directory over a non-empty upper directory, against kernel
// overlayfs over the same layers (issue #12, test_engine_diff sequence 1737,
// "rename c/c b"). ovl_rename checks the target's emptiness itself only when it
// is not pure upper (dir.c ovl_pure_upper: no lower and no OVL_WHITEOUTS flag,
// which ovl_get_inode sets for a merged dir, one with more than one lower or one
// with an origin xattr, never for whiteouts found inside). A pure upper target is
// left to the upper's rename, which fails with ENOTEMPTY after the source was
// copied up with its redirect: the kernel's upper keeps both, and the moved dir
// is merged from then on. strata-fuse used to treat whiteouts in the target's
// upper as "not pure", failed early and left no copy-up behind.
#include "ovl/whiteout.h"
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QTest>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

struct Case {
    std::string name;
    bool realFile = true; // the target holds a real file besides its whiteout
    bool overSymlink = false; // a lower symlink of the target's name (the upper dir stops lookup)
};

const std::vector<Case> kCases = {
    {"file-and-whiteout", true, false},
    {"only-whiteout", false, false},
    {"over-lower-symlink", true, true},
};

// lower: <case>/c/c/{x, h (a whiteout)}; upper: <case>/c (no origin) and the
// target <case>/b holding the whiteout h (and a file g).
void build(const UnionFixture &u, const Case &c)
{
    const std::string lo = u.lower(0) + "/" + c.name, up = u.upper() + "/" + c.name;
    for (const auto &d : {lo, lo + "/c", lo + "/c/c", up, up + "/b"})
        QVERIFY(::mkdir(d.c_str(), 0755) == 0);
    writeFile(lo + "/c/c/x", "x");
    QVERIFY(ovl::makeWhiteout(AT_FDCWD, lo + "/c/c/h").has_value());
    QVERIFY(ovl::makeWhiteout(AT_FDCWD, up + "/b/h").has_value());
    if (c.realFile)
        writeFile(up + "/b/g", "g");
    if (c.overSymlink)
        QVERIFY(::symlink("nowhere", (lo + "/b").c_str()) == 0);
}

std::string xattr(const std::string &path, const char *name)
{
    char buf[256];
    const ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof buf);
    return n < 0 ? std::string("-") : std::string(buf, static_cast<size_t>(n));
}

// The rename's result, what the upper holds afterwards at c/c, and what the union
// shows of c/c (a merged dir: nlink 1).
std::string run(const UnionFixture &u, const Case &c)
{
    const std::string m = u.path(c.name);
    std::string out = "rename: ";
    out += ::rename((m + "/c/c").c_str(), (m + "/b").c_str()) == 0 ? "ok" : std::strerror(errno);
    struct stat st {};
    const std::string upc = u.upper() + "/" + c.name + "/c/c";
    out += "; upper c/c: ";
    out += ::lstat(upc.c_str(), &st) == 0 ? "dir redirect=" + xattr(upc, "trusted.overlay.redirect")
            + " origin=" + (xattr(upc, "trusted.overlay.origin") == "-" ? "no" : "yes")
                                          : std::string(std::strerror(errno));
    out += "; union c/c nlink ";
    out += ::lstat((m + "/c/c").c_str(), &st) == 0 ? std::to_string(st.st_nlink) : std::strerror(errno);
    out += "; ls b:";
    if (DIR *d = ::opendir((m + "/b").c_str())) {
        std::vector<std::string> names;
        while (dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                names.emplace_back(e->d_name);
        ::closedir(d);
        std::sort(names.begin(), names.end());
        for (const auto &n : names)
            out += " " + n;
    }
    return out;
}

} // namespace

class TestEngineRenamePure : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void overPureUpperTarget()
    {
        UnionFixture k(1, true), f(1, true);
        for (const Case &c : kCases) {
            build(k, c);
            build(f, c);
        }
        QVERIFY(k.mountKernel());
        QVERIFY2(f.mountFuse(), f.daemonLog().c_str());
        std::string mismatches;
        for (const Case &c : kCases) {
            const std::string kr = run(k, c), fr = run(f, c);
            if (kr != fr)
                mismatches += c.name + ":\n  kernel      " + kr + "\n  strata-fuse " + fr + "\n";
        }
        QVERIFY(k.unmount());
        QVERIFY(f.unmount());
        QVERIFY2(mismatches.empty(), mismatches.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineRenamePure, requireFuseAndKernel)
#include "test_engine_renamepure.moc"
