// SPDX-License-Identifier: GPL-2.0-or-later
// The lowerwatch differential test: random sequences that mix changes made
// directly on the lowers (creates, writes, truncates, deletes, renames, hard
// links, new and removed directories, whole subtrees removed, modes, owners, user
// xattrs, 0/0 whiteouts appearing, opaque marks set and cleared) with operations
// through a strata-fuse mount (lowerwatch=on), and with reads of the union between
// them, so the kernel and the engine hold entries, attributes and listings that a
// later lower change makes stale. After each sequence the union's view of the
// sequence's directory must equal a fresh kernel overlay mount of the same layers
// (freshview.h), within kConvergeMs.
//
// Seeded and reproducible: the layers come from fuzz::buildLayers, the steps from
// the sequence's seed. Many sequences share one mount, each in its own directory;
// batches alternate the watch method (fanotify as root, inotify). A mismatch is
// printed with its steps, and says whether a fresh strata-fuse mount of the same
// layers agrees with the kernel (then the stale view is lowerwatch's) or not (then
// it is a lookup rule, test_engine_diff's domain).
//
//   STRATA_LWDIFF_SEQUENCES (default 500), STRATA_LWDIFF_STEPS (16), STRATA_LWDIFF_SEED
//   (1), STRATA_LWDIFF_BATCH (125), STRATA_LWDIFF_ONLY=id runs one sequence,
//   STRATA_LWDIFF_DUMP=1 adds a mismatching sequence's layers (with xattrs).
#include "diffops.h"
#include "freshview.h"
#include "ovl/xattrs.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <random>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr int kLowers = 3;
constexpr int kConvergeMs = 5000;

long envInt(const char *name, long fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

// What a step does: an operation through the union, one on a lower layer, a read
// of the whole sequence directory through the union, or one of the overlay-only
// lower changes fuzz::Op has no kind for.
enum class Where : uint8_t { Union, Lower, ReadAll, Whiteout, Opaque, ClearOpaque, RemoveTree };

struct Step {
    Where where = Where::ReadAll;
    int layer = 0; // lower index for the lower changes
    fuzz::Op op; // Union, Lower; for the others op.a is the path
    std::string describe() const
    {
        static constexpr const char *kNames[]
            = {"union:",        "lower", "read all", "whiteout in lower", "opaque=y in lower", "clear opaque in lower",
               "rm -r in lower"};
        std::string s = kNames[static_cast<int>(where)];
        if (where == Where::Union)
            return s + " " + op.describe();
        if (where == Where::ReadAll)
            return s;
        s += " " + std::to_string(layer);
        return s + (where == Where::Lower ? ": " + op.describe() : " " + op.a);
    }
};

struct Seq {
    long id = 0;
    uint64_t seed = 0;
    std::vector<Step> steps;
    std::string dir() const { return "s" + std::to_string(id); }
};

Seq makeSeq(long id, uint64_t seed, int count)
{
    Seq s;
    s.id = id;
    s.seed = seed;
    std::mt19937_64 r(seed * 0x2545f4914f6cdd1dULL + 3);
    const std::vector<fuzz::Op> unionOps = fuzz::generate(seed * 2, count);
    const std::vector<fuzz::Op> lowerOps = fuzz::generate(seed * 2 + 1, count);
    const std::vector<fuzz::Op> paths = fuzz::generate(seed * 2 + 7, count); // paths for the overlay-only kinds
    s.steps.push_back({}); // first everything cached
    for (int k = 0; k < count; ++k) {
        Step st;
        const int roll = static_cast<int>(r() % 100);
        st.layer = static_cast<int>(r() % kLowers);
        st.op = paths[static_cast<size_t>(k)];
        if (roll < 35) {
            st.where = Where::Union;
            st.op = unionOps[static_cast<size_t>(k)];
        } else if (roll < 75) {
            st.where = Where::Lower;
            st.op = lowerOps[static_cast<size_t>(k)];
        } else if (roll < 85) {
            st.where = Where::ReadAll;
        } else if (roll < 90) {
            // The last lower's whiteouts hide nothing below; the kernel's lookup
            // still treats them as negative, but layer composers do not make them.
            st.where = Where::Whiteout;
            st.layer %= kLowers - 1;
        } else if (roll < 94) {
            st.where = Where::Opaque;
            st.layer %= kLowers - 1;
        } else if (roll < 97) {
            st.where = Where::ClearOpaque;
        } else {
            st.where = Where::RemoveTree;
        }
        s.steps.push_back(std::move(st));
    }
    return s;
}

// Applies one step; a failing step (ENOENT, EEXIST, ...) changes nothing, which
// is fine: only the views are compared.
void apply(const UnionFixture &u, const Seq &s, const Step &st)
{
    const std::string lower = u.lower(st.layer) + "/" + s.dir();
    const std::string p = lower + "/" + st.op.a;
    switch (st.where) {
    case Where::Union:
        (void)fuzz::apply(u.path(s.dir()), st.op);
        break;
    case Where::Lower:
        (void)fuzz::apply(lower, st.op);
        break;
    case Where::ReadAll:
        (void)snapshot(u.path(s.dir()));
        break;
    case Where::Whiteout: {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
        (void)::mknod(p.c_str(), S_IFCHR | 0, ::makedev(0, 0));
        break;
    }
    case Where::Opaque:
        (void)ovl::setOpaque(AT_FDCWD, p, ovl::Namespace::Trusted, ovl::Opaque::Yes);
        break;
    case Where::ClearOpaque:
        (void)::lremovexattr(p.c_str(), ovl::name(ovl::Namespace::Trusted, ovl::Attr::Opaque).c_str());
        break;
    case Where::RemoveTree: {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
        break;
    }
    }
}

struct Outcome {
    std::map<long, std::string> failures;
    long long slowestMs = 0;
    long long totalMs = 0;
    long converged = 0;
};

// Runs the sequences in one strata-fuse mount watched by `method`.
void runBatch(const std::vector<Seq> &seqs, const char *method, Outcome &out)
{
    UnionFixture u(kLowers, true);
    fuzz::LayerSet layers;
    for (int i = 0; i < kLowers; ++i)
        layers.lowers.push_back(u.lower(i));
    layers.upper = u.upper();
    for (const auto &s : seqs)
        fuzz::buildLayers(s.seed, layers, s.dir());
    qputenv("STRATA_WATCH_METHOD", method);
    const bool mounted = u.mountFuse({"lowerwatch=on"});
    qunsetenv("STRATA_WATCH_METHOD");
    if (!mounted) {
        for (const auto &s : seqs)
            out.failures[s.id] = "strata-fuse mount failed: " + u.daemonLog();
        return;
    }
    std::vector<long> failed;
    for (const auto &s : seqs) {
        for (const Step &st : s.steps)
            apply(u, s, st);
        long long ms = 0;
        const std::string why = convergeToFresh(u, kLowers, s.dir(), kConvergeMs, &ms);
        if (why.empty()) {
            ++out.converged;
            out.totalMs += ms;
            out.slowestMs = std::max(out.slowestMs, ms);
            continue;
        }
        std::string steps;
        for (const Step &st : s.steps)
            steps += "  " + st.describe() + "\n";
        out.failures[s.id] = "sequence " + std::to_string(s.id) + " (seed " + std::to_string(s.seed) + ", " + method
            + "):\n" + steps + why;
        failed.push_back(s.id);
    }
    const bool clean = u.unmount();
    if (!clean)
        out.failures[-1] = "strata-fuse did not exit cleanly: " + u.daemonLog();
    if (failed.empty() || !u.mountFuse({"lowerwatch=off"}))
        return;
    // A fresh strata-fuse mount of the same layers: does it agree with the kernel?
    for (long id : failed) {
        std::string err;
        const std::string dir = "s" + std::to_string(id);
        const std::string d = diff(freshKernelView(u, kLowers, dir, &err), snapshot(u.path(dir)), "fresh kernel mount",
                                   "fresh strata-fuse mount");
        out.failures[id] += d.empty() ? "(a fresh strata-fuse mount agrees with the kernel: lowerwatch left it stale)\n"
                                      : "(a fresh strata-fuse mount differs too:\n" + d + ")\n";
        if (std::getenv("STRATA_LWDIFF_DUMP")) {
            out.failures[id] += "  upper:\n" + fuzz::dumpLayer(u.upper() + "/" + dir);
            for (int i = 0; i < kLowers; ++i)
                out.failures[id] += "  lower " + std::to_string(i) + ":\n" + fuzz::dumpLayer(u.lower(i) + "/" + dir);
        }
    }
    u.unmount();
}

} // namespace

class TestEngineLowerWatchDiff : public QObject {
    Q_OBJECT

public:
    TestEngineLowerWatchDiff() { qputenv("QTEST_FUNCTION_TIMEOUT", "3600000"); }

private Q_SLOTS:
    void randomSequences()
    {
        const long total = envInt("STRATA_LWDIFF_SEQUENCES", 500);
        const int nsteps = static_cast<int>(envInt("STRATA_LWDIFF_STEPS", 16));
        const long seed = envInt("STRATA_LWDIFF_SEED", 1);
        const long batch = std::max(1L, envInt("STRATA_LWDIFF_BATCH", 125));
        const long only = envInt("STRATA_LWDIFF_ONLY", -1);
        QElapsedTimer t;
        t.start();
        Outcome out;
        long run = 0;
        for (long first = 0; first < total; first += batch) {
            // Alternate the methods; fanotify's filesystem marks need root.
            const char *method = (first / batch) % 2 == 0 && ::geteuid() == 0 ? "fanotify" : "inotify";
            std::vector<Seq> seqs;
            for (long id = first; id < std::min(total, first + batch); ++id)
                if (only < 0 || id == only)
                    seqs.push_back(
                        makeSeq(id, static_cast<uint64_t>(seed) * 1000003ULL + static_cast<uint64_t>(id), nsteps));
            run += static_cast<long>(seqs.size());
            if (seqs.empty())
                continue;
            runBatch(seqs, method, out);
            std::printf("  batch of %zu from %ld (%s): %zu mismatching so far, %.1f s\n", seqs.size(), first, method,
                        out.failures.size(), t.elapsed() / 1000.0);
            std::fflush(stdout);
        }
        std::printf(
            "lowerwatch differential: %ld sequences of %d steps, %ld converged (mean %.1f ms, slowest %lld ms), "
            "%zu mismatching, %.1f s\n",
            run, nsteps, out.converged, out.converged ? double(out.totalMs) / double(out.converged) : 0.0,
            out.slowestMs, out.failures.size(), t.elapsed() / 1000.0);
        QVERIFY(run > 0);
        if (out.failures.empty())
            return;
        std::string report;
        int shown = 0;
        for (const auto &[id, why] : out.failures) {
            if (shown++ == 4)
                break;
            report += why + "\n";
        }
        QFAIL(report.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineLowerWatchDiff, requireFuseAndKernel)
#include "test_engine_lowerwatch_diff.moc"
