// SPDX-License-Identifier: GPL-2.0-or-later
// Whiteouts by layer position, against kernel overlayfs over the same layers: an
// xattr whiteout (zero-size file with overlay.whiteout) or a 0/0 whiteout in the
// upper, the top lower, a middle lower or the last lower, in a directory marked
// opaque=x, opaque=y or not at all, over a real file of the same name below. The
// kernel's lookup treats an xattr whiteout as a whiteout in every layer (namei.c
// ovl_lookup_single -> ovl_path_is_whiteout); its readdir hides it only in an
// opaque=x directory of a lower that is not the last (readdir.c check_xwhiteout).
// Issue #12: strata-fuse showed such names as zero-size files.
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
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
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr int kLowers = 3; // lower0 (top), lower1 (middle), lower2 (last)

struct Case {
    std::string layer; // "upper", "lower0", "lower1", "lower2"
    std::string opaque; // "x", "y", ""
    bool xattr = true; // xattr whiteout, else a 0/0 whiteout
    bool solo = false; // the dir exists in that layer only (not merged: readdir is the real dir's)
    std::string dir() const
    {
        return "c-" + layer + "-" + (opaque.empty() ? "none" : opaque) + (xattr ? "-xw" : "-wh")
            + (solo ? "-solo" : "");
    }
};

std::vector<Case> cases()
{
    std::vector<Case> out;
    for (const char *layer : {"upper", "lower0", "lower1", "lower2"})
        for (const char *op : {"x", "y", ""})
            for (bool xattr : {true, false})
                for (bool solo : {false, true})
                    out.push_back(Case {layer, op, xattr, solo});
    return out;
}

std::string layerDir(const UnionFixture &u, const std::string &layer)
{
    return layer == "upper" ? u.upper() : u.lower(layer.back() - '0');
}

// The case's dir in every layer (solo: in the whiteout's layer only); "keep" in
// the last lower; a real "w" in the layer right below the whiteout (when there is
// one); the whiteout "w"; the marker.
void build(const UnionFixture &u, const Case &c)
{
    const std::vector<std::string> order = {"upper", "lower0", "lower1", "lower2"};
    for (const auto &l : order)
        if (!c.solo || l == c.layer)
            QVERIFY(::mkdir((layerDir(u, l) + "/" + c.dir()).c_str(), 0755) == 0);
    const auto at = std::find(order.begin(), order.end(), c.layer);
    if (c.solo) {
        writeFile(layerDir(u, c.layer) + "/" + c.dir() + "/keep", "keep");
    } else {
        writeFile(u.lower(kLowers - 1) + "/" + c.dir() + "/keep", "keep");
        if (at + 1 != order.end())
            writeFile(layerDir(u, *(at + 1)) + "/" + c.dir() + "/w", "below the whiteout");
    }
    const std::string d = layerDir(u, c.layer) + "/" + c.dir();
    if (c.xattr)
        QVERIFY(ovl::makeXattrWhiteout(AT_FDCWD, d + "/w", ovl::Namespace::Trusted).has_value());
    else
        QVERIFY(ovl::makeWhiteout(AT_FDCWD, d + "/w").has_value());
    if (!c.opaque.empty())
        QVERIFY(ovl::setOpaque(AT_FDCWD, d, ovl::Namespace::Trusted,
                               c.opaque == "x" ? ovl::Opaque::XWhiteouts : ovl::Opaque::Yes)
                    .has_value());
}

// What a person sees of the case's dir: the names readdir lists, then what stat
// says of each of them and of "w".
std::string view(const std::string &dir)
{
    std::vector<std::string> names;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                names.emplace_back(e->d_name);
        ::closedir(d);
    } else {
        return std::string("opendir: ") + std::strerror(errno);
    }
    std::sort(names.begin(), names.end());
    std::string out = "ls:";
    for (const auto &n : names)
        out += " " + n;
    if (std::find(names.begin(), names.end(), "w") == names.end())
        names.emplace_back("w");
    for (const auto &n : names) {
        struct stat st {};
        out += "; " + n + ": ";
        if (::lstat((dir + "/" + n).c_str(), &st) != 0)
            out += std::strerror(errno);
        else
            out += (S_ISREG(st.st_mode)       ? "file "
                        : S_ISCHR(st.st_mode) ? "chr "
                                              : "other ")
                + std::to_string(st.st_size);
    }
    return out;
}

std::string createW(const std::string &dir)
{
    const int fd = ::open((dir + "/w").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::string("create: ") + std::strerror(errno);
    const bool ok = ::write(fd, "new", 3) == 3;
    ::close(fd);
    return ok ? "create: ok" : "create: short write";
}

} // namespace

class TestEngineXWhiteout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void byPosition()
    {
        UnionFixture k(kLowers, true), f(kLowers, true);
        for (const Case &c : cases()) {
            build(k, c);
            build(f, c);
        }
        QVERIFY(k.mountKernel());
        QVERIFY2(f.mountFuse(), f.daemonLog().c_str());
        std::string mismatches;
        for (const Case &c : cases()) {
            const std::string kv = view(k.path(c.dir())), fv = view(f.path(c.dir()));
            if (kv != fv)
                mismatches += c.dir() + ":\n  kernel      " + kv + "\n  strata-fuse " + fv + "\n";
        }
        // Then a file created over each whiteout (dir.c ovl_create_over_whiteout for
        // one in the upper): the same result and the same view after it.
        for (const Case &c : cases()) {
            const std::string kr = createW(k.path(c.dir())), fr = createW(f.path(c.dir()));
            const std::string kv = kr + "; " + view(k.path(c.dir())), fv = fr + "; " + view(f.path(c.dir()));
            if (kv != fv)
                mismatches += c.dir() + " after creating w:\n  kernel      " + kv + "\n  strata-fuse " + fv + "\n";
        }
        QVERIFY(k.unmount());
        QVERIFY(f.unmount());
        QVERIFY2(mismatches.empty(), mismatches.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineXWhiteout, requireFuseAndKernel)
#include "test_engine_xwhiteout.moc"
