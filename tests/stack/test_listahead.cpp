// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the walk with listings read ahead on a second thread (stack/listahead.h)
// visits exactly what the one-thread walk visits, in the same order, with the same
// facts: on the demo stack and on a wider generated stack with whiteouts, opaque
// dirs and a redirected dir; with the default bounds and with bounds of one listing;
// and stops and cancels where the one-thread walk does.
#include "ovl/whiteout.h"
#include "ovl/xattrs.h"
#include "stack/demostack.h"
#include "stack/layerstack.h"
#include "stack/listahead.h"
#include "stack/mergedwalk.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"

#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;

namespace {

constexpr auto kNs = ovl::Namespace::User;

// Everything a visitor can see of one entry, as text.
std::string describe(const std::string &path, const MergedEntry &e, int depth)
{
    std::string s = std::to_string(depth) + " " + path + " L" + std::to_string(e.layer) + " " + e.layerPath + " st"
        + std::to_string(e.state) + " m" + std::to_string(e.attrs.mode) + " s" + std::to_string(e.attrs.size) + " i"
        + std::to_string(e.attrs.ino) + " r" + e.redirect.value_or("-") + " o"
        + (e.origin ? std::to_string(static_cast<int>(e.origin->status)) + e.origin->path : "-");
    for (int l : e.dirLayers)
        s += " d" + std::to_string(l);
    for (const ShadowedVersion &v : e.shadowed)
        s += " [" + std::to_string(v.layer) + " " + v.path + " " + std::string(shadowKindName(v.kind)) + "]";
    for (const Error &p : e.problems)
        s += " !" + p.message();
    return s;
}

struct Walked {
    std::vector<std::string> seen;
    std::vector<std::string> problems;
    uint64_t entries = 0;
    bool cancelled = false, stopped = false;
    bool ok = false;
};

// `stopAt` > 0: the visitor stops the walk there; `cancelAt` > 0: it sets the cancel flag.
Walked walk(const std::shared_ptr<const LayerStack> &stack, bool readAhead, int maxDepth = 0, uint64_t stopAt = 0,
            uint64_t cancelAt = 0)
{
    Walked w;
    const MergedTree tree(stack);
    std::atomic<bool> cancel {false};
    WalkOptions opts;
    opts.readAhead = readAhead;
    opts.maxDepth = maxDepth;
    opts.cancel = &cancel;
    auto r = walkMerged(tree, "", opts, [&](const std::string &path, const MergedEntry &e, int depth) {
        w.seen.push_back(describe(path, e, depth));
        if (cancelAt && w.seen.size() == cancelAt)
            cancel = true;
        return !(stopAt && w.seen.size() == stopAt);
    });
    if (!r)
        return w;
    w.ok = true;
    w.entries = r->entries;
    w.cancelled = r->cancelled;
    w.stopped = r->stopped;
    for (const Error &e : r->problems)
        w.problems.push_back(e.message());
    return w;
}

// The listings of a whole walk through a ListAhead with the given bounds, in the order
// the walk asks for them, against MergedTree::list of the same paths.
void compareListings(const std::shared_ptr<const LayerStack> &stack, ListAheadLimits limits)
{
    const MergedTree serial(stack);
    const MergedTree ahead(stack);
    ListAhead reader(
        ahead, {}, [](const MergedEntry &e, int) { return e.isDir() && !e.isWhiteout(); }, nullptr, limits);
    std::vector<std::string> todo {""};
    bool first = true;
    size_t dirs = 0;
    while (!todo.empty()) {
        const std::string path = todo.back();
        todo.pop_back();
        auto a = first ? reader.root(path) : reader.list(path);
        first = false;
        auto b = serial.list(path);
        QVERIFY2(a && b, path.c_str());
        QCOMPARE(a->path, b->path);
        QCOMPARE(a->entries.size(), b->entries.size());
        for (size_t i = 0; i < a->entries.size(); ++i)
            QCOMPARE(describe(path, a->entries[i], 0), describe(path, b->entries[i], 0));
        QCOMPARE(a->problems.size(), b->problems.size());
        ++dirs;
        // Depth first, as the walk: the first subdirectory next.
        for (size_t i = a->entries.size(); i-- > 0;)
            if (a->entries[i].isDir() && !a->entries[i].isWhiteout())
                todo.push_back(joinPath(a->path, a->entries[i].name));
    }
    QVERIFY(dirs > 1);
}

Result<void> mkdirs(const std::string &path)
{
    for (size_t i = 1; i <= path.size(); ++i)
        if (i == path.size() || path[i] == '/')
            if (::mkdir(path.substr(0, i).c_str(), 0755) != 0 && errno != EEXIST)
                return fail(sysError(errno, path.substr(0, i), "cannot create directory"));
    return {};
}

Result<void> touch(const std::string &path, off_t size)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(sysError(errno, path, "cannot create file"));
    const UniqueFd guard(fd);
    if (::ftruncate(fd, size) != 0)
        return fail(sysError(errno, path, "cannot size file"));
    return {};
}

// At a path below a layer root: the writer runs on (parent fd, name).
template<class F>
Result<void> at(const std::string &root, const std::string &rel, F f)
{
    const size_t slash = rel.rfind('/');
    const std::string parent = root + (slash == std::string::npos ? "" : "/" + rel.substr(0, slash));
    const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(sysError(errno, parent, "cannot open directory"));
    const UniqueFd guard(fd);
    return f(fd, slash == std::string::npos ? rel : rel.substr(slash + 1));
}

#define CHECKED(expr)                                                                                                  \
    do {                                                                                                               \
        if (auto r_ = (expr); !r_)                                                                                     \
            return fail(r_.error());                                                                                   \
    } while (0)

// Three layers over a tree of 6 x 6 x 4 directories of a few files each: the middle
// layer deletes files (0/0 whiteouts) and replaces directories (opaque=y), the upper
// renames one directory (redirect, the old name whited out) and adds files.
Result<StackSpec> createWideStack(const std::string &dir)
{
    const std::string low = dir + "/low", mid = dir + "/mid", up = dir + "/up";
    for (int a = 0; a < 6; ++a)
        for (int b = 0; b < 6; ++b)
            for (int c = 0; c < 4; ++c) {
                const std::string d = "a" + std::to_string(a) + "/b" + std::to_string(b) + "/c" + std::to_string(c);
                CHECKED(mkdirs(low + "/" + d));
                for (int f = 0; f < 5; ++f)
                    CHECKED(touch(low + "/" + d + "/f" + std::to_string(f), 100 * f));
                if ((a + b + c) % 3 == 0) {
                    CHECKED(mkdirs(mid + "/" + d));
                    CHECKED(at(mid, d + "/f1", [](int fd, const std::string &n) { return ovl::makeWhiteout(fd, n); }));
                    CHECKED(touch(mid + "/" + d + "/f2", 7777));
                    CHECKED(touch(mid + "/" + d + "/new", 1));
                }
            }
    for (int a = 0; a < 6; a += 2) {
        const std::string d = "a" + std::to_string(a) + "/b5";
        CHECKED(mkdirs(mid + "/" + d + "/fresh"));
        CHECKED(touch(mid + "/" + d + "/only", 3));
        CHECKED(at(mid, d, [](int fd, const std::string &n) { return ovl::setOpaque(fd, n, kNs, ovl::Opaque::Yes); }));
    }
    CHECKED(mkdirs(up + "/a1/moved"));
    CHECKED(touch(up + "/a1/moved/added", 42));
    CHECKED(at(up, "a1/moved", [](int fd, const std::string &n) { return ovl::setRedirect(fd, n, kNs, "/a1/b2"); }));
    CHECKED(at(up, "a1/b2", [](int fd, const std::string &n) { return ovl::makeWhiteout(fd, n); }));
    CHECKED(mkdirs(dir + "/work"));
    StackSpec spec;
    spec.lower = {mid, low};
    spec.upper = up;
    spec.work = dir + "/work";
    spec.xattrNamespace = kNs;
    spec.options = {{"redirect_dir", "on"}};
    return spec;
}

} // namespace

class TestListAhead : public QObject {
    Q_OBJECT
    test::TempDir m_demoDir {"strata-listahead-demo"};
    test::TempDir m_wideDir {"strata-listahead-wide"};
    std::shared_ptr<const LayerStack> m_demo, m_wide;

    static std::shared_ptr<const LayerStack> open(const Result<StackSpec> &spec)
    {
        if (!spec) {
            qWarning("%s", spec.error().message().c_str());
            return nullptr;
        }
        auto stack = LayerStack::fromSpec(*spec);
        if (!stack) {
            qWarning("%s", stack.error().message().c_str());
            return nullptr;
        }
        return *stack;
    }

    static void sameWalk(const std::shared_ptr<const LayerStack> &stack, int maxDepth = 0, uint64_t stopAt = 0,
                         uint64_t cancelAt = 0)
    {
        const Walked one = walk(stack, false, maxDepth, stopAt, cancelAt);
        const Walked two = walk(stack, true, maxDepth, stopAt, cancelAt);
        QVERIFY(one.ok && two.ok);
        QVERIFY(!one.seen.empty());
        QCOMPARE(two.seen.size(), one.seen.size());
        for (size_t i = 0; i < one.seen.size(); ++i)
            QCOMPARE(two.seen[i], one.seen[i]);
        QCOMPARE(two.problems, one.problems);
        QCOMPARE(two.entries, one.entries);
        QCOMPARE(two.cancelled, one.cancelled);
        QCOMPARE(two.stopped, one.stopped);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_demo = open(createDemoStack(m_demoDir.path()));
        QVERIFY(m_demo);
        m_wide = open(createWideStack(m_wideDir.path()));
        QVERIFY(m_wide);
    }

    void demoStackSameWalk() { sameWalk(m_demo); }

    void wideStackSameWalk()
    {
        sameWalk(m_wide);
        // The generated states are there to be compared.
        const Walked w = walk(m_wide, true);
        auto has = [&](const std::string &needle) {
            return std::any_of(w.seen.begin(), w.seen.end(),
                               [&](const std::string &s) { return s.find(needle) != std::string::npos; });
        };
        QVERIFY(has(" a1/moved L0 a1/moved ") && has("r/a1/b2"));
        QVERIFY(has(" a0/b5/only "));
        QVERIFY(!has(" a0/b0/c0/f1 ") && has(" a0/b1/c0/f1 "));
        QVERIFY(w.seen.size() > 6 * 6 * 4 * 5);
    }

    void boundsOfOneListing()
    {
        compareListings(m_wide, {1, 1});
        compareListings(m_wide, {});
        compareListings(m_demo, {1, 1});
    }

    void depthStopAndCancelAsTheSerialWalk()
    {
        sameWalk(m_wide, 2);
        sameWalk(m_wide, 0, 40);
        sameWalk(m_wide, 0, 0, 60);
        sameWalk(m_demo, 0, 5);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestListAhead, strata::test::requireNothing)
#include "test_listahead.moc"
