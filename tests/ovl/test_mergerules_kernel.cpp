// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: records what kernel overlayfs shows for every case of the merge-rules
// table (tests/ovl/mergecases.h) and compares it with the table that
// test_mergerules checks the rules against. With STRATA_REGENERATE=1 it rewrites
// the table instead, so the rules can be re-checked on a new kernel: run it, read
// the diff of tests/ovl/mergerules.table, and fix the rules where the kernel moved.
#include "kerneloverlay.h"
#include "mergecases.h"
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;
using namespace strata::test::merge;

namespace {

bool put(const std::string &path, const std::string &content)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ::close(fd);
    return ok;
}

// The object of `kind` at dir/w, made in layer `layer`.
bool makeObject(const std::string &dir, const std::string &kind, const std::string &layer)
{
    const std::string w = dir + "/w";
    if (kind == "xw")
        return ovl::makeXattrWhiteout(AT_FDCWD, w, ovl::Namespace::Trusted).has_value();
    if (kind == "wh")
        return ovl::makeWhiteout(AT_FDCWD, w).has_value();
    if (kind == "ef")
        return put(w, "");
    if (kind == "rf")
        return put(w, "regular");
    if (kind == "file")
        return put(w, "below");
    // dir, diry, dirx (and "dir" below): a directory holding one file named after its layer
    if (::mkdir(w.c_str(), 0755) != 0 || !put(w + "/in-" + layer, "x"))
        return false;
    if (kind == "diry" || kind == "dirx")
        return ovl::setOpaque(AT_FDCWD, w, ovl::Namespace::Trusted,
                              kind == "diry" ? ovl::Opaque::Yes : ovl::Opaque::XWhiteouts)
            .has_value();
    return true;
}

bool build(const std::string &base, const Case &c)
{
    const auto &names = layerNames();
    for (size_t l = 0; l < names.size(); ++l) {
        if (c.below == "solo" && static_cast<int>(l) != c.pos)
            continue;
        if (::mkdir((base + "/" + names[l] + "/" + c.dir()).c_str(), 0755) != 0)
            return false;
    }
    const std::string at = base + "/" + names[static_cast<size_t>(c.pos)] + "/" + c.dir();
    if (!makeObject(at, c.kind, names[static_cast<size_t>(c.pos)]))
        return false;
    if (c.op != "-"
        && !ovl::setOpaque(AT_FDCWD, at, ovl::Namespace::Trusted,
                           c.op == "y" ? ovl::Opaque::Yes : ovl::Opaque::XWhiteouts))
        return false;
    if (c.below == "file" || c.below == "dir") {
        const std::string &layer = names[static_cast<size_t>(c.pos + 1)];
        return makeObject(base + "/" + layer + "/" + c.dir(), c.below, layer);
    }
    return true;
}

// A metacopy case's layers: "d" in every layer, the sparse metacopy "m" at `pos`
// and its data below it.
bool buildMetacopy(const std::string &base, const MetacopyCase &c)
{
    const auto &names = layerNames();
    for (const auto &layer : names)
        if (::mkdir((base + "/" + layer + "/" + c.dir()).c_str(), 0755) != 0 && errno != EEXIST)
            return false;
    const std::string at = base + "/" + names[static_cast<size_t>(c.pos)] + "/" + c.dir();
    const int fd = ::open((at + "/m").c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const bool sized = ::ftruncate(fd, 7) == 0;
    ::close(fd);
    if (!sized || !ovl::setMetacopy(AT_FDCWD, at + "/m", ovl::Namespace::Trusted, nullptr))
        return false;
    const std::string below = base + "/" + names[static_cast<size_t>(c.pos + 1)] + "/" + c.dir() + "/m";
    if (c.data == "below")
        return put(below, "regular");
    if (c.data == "dir")
        return ::mkdir(below.c_str(), 0755) == 0;
    return true;
}

std::string errnoName(int e)
{
    switch (e) {
    case ENOENT:
        return "ENOENT";
    case EIO:
        return "EIO";
    case EPERM:
        return "EPERM";
    default:
        return std::strerror(e);
    }
}

// What the mount shows of a metacopy case, in the table's words.
std::string observeMetacopy(const std::string &d)
{
    struct stat st {};
    if (::lstat((d + "/m").c_str(), &st) != 0)
        return metacopyObservation(errnoName(errno), {});
    const std::string stat = S_ISREG(st.st_mode) ? "reg:" + std::to_string(st.st_size) : "other";
    const int fd = ::open((d + "/m").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return metacopyObservation(stat, "open:" + errnoName(errno));
    char buf[64] = {};
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    const int e = errno;
    ::close(fd);
    if (n < 0)
        return metacopyObservation(stat, "read:" + errnoName(e));
    std::string text(buf, static_cast<size_t>(n));
    for (char &ch : text)
        if (ch == '\0')
            ch = '0'; // a sparse metacopy file read as itself shows its holes
    return metacopyObservation(stat, text);
}

std::vector<std::string> list(const std::string &dir)
{
    std::vector<std::string> out;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (const dirent *e = ::readdir(d))
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
                out.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// What the mount shows of the case, in the table's words.
std::string observe(const std::string &d)
{
    const auto names = list(d);
    const bool listed = std::count(names.begin(), names.end(), "w") > 0;
    struct stat st {};
    if (::lstat((d + "/w").c_str(), &st) != 0)
        return observation(listed, errno == ENOENT ? "ENOENT" : std::strerror(errno), {});
    if (S_ISDIR(st.st_mode))
        return observation(listed, "dir", list(d + "/w"));
    if (S_ISREG(st.st_mode))
        return observation(listed, "reg:" + std::to_string(st.st_size), {});
    return observation(listed, S_ISCHR(st.st_mode) ? "chr" : "other", {});
}

} // namespace

class TestMergeRulesKernel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kernelMatchesTable()
    {
        TempDir tmp("strata-mergerules");
        const std::string base = tmp.path();
        QVERIFY(::mount("tmpfs", base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        for (const char *d : {"upper", "l0", "l1", "l2", "work", "merged"})
            QVERIFY(::mkdir((base + "/" + d).c_str(), 0755) == 0);
        const auto cases = allCases();
        for (const Case &c : cases)
            QVERIFY2(build(base, c), c.key().c_str());
        std::vector<std::pair<std::string, std::string>> observed;
        {
            KernelOverlay ovl(base + "/merged", {base + "/l0", base + "/l1", base + "/l2"}, base + "/upper",
                              base + "/work", {"redirect_dir=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            for (const Case &c : cases)
                observed.emplace_back(c.key(), observe(ovl / c.dir()));
            QVERIFY(ovl.unmount());
        }
        const auto mcCases = allMetacopyCases();
        for (const MetacopyCase &c : mcCases)
            if (!c.metacopyOn) // one set of layers for both mounts
                QVERIFY2(buildMetacopy(base, c), c.key().c_str());
        for (bool on : {false, true}) {
            KernelOverlay ovl(base + "/merged", {base + "/l0", base + "/l1", base + "/l2"}, base + "/upper",
                              base + "/work", {"redirect_dir=on", on ? "metacopy=on" : "metacopy=off"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            for (const MetacopyCase &c : mcCases)
                if (c.metacopyOn == on)
                    observed.emplace_back(c.key(), observeMetacopy(ovl / c.dir()));
            QVERIFY(ovl.unmount());
        }
        ::umount2(base.c_str(), MNT_DETACH);

        const std::string path = merge::tablePath(sourceDir());
        if (const char *regen = std::getenv("STRATA_REGENERATE"); regen && std::string(regen) == "1") {
            utsname u {};
            ::uname(&u);
            std::ofstream out(path, std::ios::trunc);
            out << "# Kernel overlayfs observations for tests/ovl/mergecases.h, recorded by\n"
                << "# test_mergerules_kernel with STRATA_REGENERATE=1 on Linux " << u.release << ".\n"
                << "# Checked against the rules (core/ovl/mergerules.h) by test_mergerules.\n";
            for (const auto &[key, obs] : observed)
                out << key << " | " << obs << "\n";
            QVERIFY2(out.good(), path.c_str());
            std::printf("rewrote %s (%zu cases)\n", path.c_str(), observed.size());
            return;
        }
        const auto table = readTable(path);
        QVERIFY2(!table.empty(), ("no table at " + path).c_str());
        std::string mismatches;
        for (const auto &[key, obs] : observed) {
            const auto it = std::find_if(table.begin(), table.end(), [&](const TableLine &l) { return l.key == key; });
            if (it == table.end())
                mismatches += key + ": not in the table\n";
            else if (it->observed != obs)
                mismatches += key + ":\n  table  " + it->observed + "\n  kernel " + obs + "\n";
        }
        QVERIFY2(mismatches.empty(),
                 ("the kernel differs from the table (STRATA_REGENERATE=1 rewrites it):\n" + mismatches).c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestMergeRulesKernel, requireKernelOverlay)
#include "test_mergerules_kernel.moc"
