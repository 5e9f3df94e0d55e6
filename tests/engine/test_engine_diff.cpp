// SPDX-License-Identifier: GPL-2.0-or-later
// The differential test: random operation sequences applied to kernel overlayfs
// (redirect_dir=on) and to strata-fuse over identical layers. Per operation the
// same result (errno, or what a read saw); per sequence the same merged view
// (names, types, sizes, modes, owners, link counts, content digests, user xattrs);
// then each upper is mounted by the other engine and must show that view again.
// Three lowers and a seeded upper, so xattr whiteouts and opaque=x dirs sit in
// every layer position (upper, top, middle and last lower). Batches take turns
// at a profile (profileOf): plain; index=on on both sides (the lower hard links
// then stay one object across copy-up, workdir/index kept for the cross mounts);
// data-only layers with metacopy stubs in the last lower; the same with
// metacopy=on (the kernel's chmod/chown copy-ups are metacopy, read back by
// strata-fuse in the cross mount); userxattr (layer xattrs in user.overlay.*).
//
// Many sequences share one pair of mounts: each works in its own directory of the
// layers, which sit on a tmpfs, so a batch costs four mounts. A failing sequence is
// minimized (operations dropped while it still fails) and printed.
//
//   STRATA_DIFF_SEQUENCES (default 2000), STRATA_DIFF_OPS (50), STRATA_DIFF_SEED (1),
//   STRATA_DIFF_BATCH (250): for deeper local runs; STRATA_DIFF_ONLY=id runs one
//   sequence (with STRATA_DIFF_DUMP=1 its layers are printed after minimizing).
#include "diffops.h"
#include "ovl/xattrnames.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QElapsedTimer>
#include <QTest>
#include <algorithm>
#include <cstdlib>
#include <map>

using namespace strata;
using namespace strata::test;

namespace {

long envInt(const char *name, long fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

enum class Profile : uint8_t { Plain, Index, DataLayers, Metacopy, UserXattr };

const char *profileName(Profile p)
{
    switch (p) {
    case Profile::Plain:
        return "plain";
    case Profile::Index:
        return "index=on";
    case Profile::DataLayers:
        return "data-only layers";
    case Profile::Metacopy:
        return "metacopy=on, data-only layers";
    case Profile::UserXattr:
        return "userxattr";
    }
    return "?";
}

// Batch b's profile: every profile within each run of eight batches (the default
// 2,000 sequences in batches of 250 are eight).
Profile profileOf(long batch)
{
    static constexpr Profile kOrder[] = {Profile::Plain,     Profile::DataLayers, Profile::Plain, Profile::Index,
                                         Profile::UserXattr, Profile::Metacopy,   Profile::Plain, Profile::Index};
    return kOrder[batch % 8];
}

constexpr int kLowers = 3;
constexpr int kDataLayers = 2;

struct Seq {
    long id = 0;
    uint64_t seed = 0;
    Profile profile = Profile::Plain;
    std::vector<fuzz::Op> ops;
    std::string dir() const { return "s" + std::to_string(id); }
    bool index() const { return profile == Profile::Index; }
    bool dataLayers() const { return profile == Profile::DataLayers || profile == Profile::Metacopy; }
};

struct Stats {
    long ops = 0;
    long failedOps = 0; // operations that failed (the same way) on both
    std::map<Profile, long> perProfile; // sequences run per profile
};

// The same layers for either engine's fixture.
fuzz::LayerSet layersOf(const UnionFixture &u, const Seq &s)
{
    fuzz::LayerSet l;
    for (int i = 0; i < kLowers; ++i)
        l.lowers.push_back(u.lower(i));
    l.upper = u.upper();
    if (s.dataLayers())
        for (int i = 0; i < kDataLayers; ++i)
            l.data.push_back(u.dataLayer(i));
    l.ns = s.profile == Profile::UserXattr ? ovl::Namespace::User : ovl::Namespace::Trusted;
    return l;
}

std::vector<std::string> optionsOf(Profile p)
{
    switch (p) {
    case Profile::Index:
        return {"index=on"};
    case Profile::Metacopy:
        return {"metacopy=on"};
    case Profile::UserXattr:
        return {"userxattr"};
    default:
        return {};
    }
}

std::string firstDifference(const Seq &s, const std::vector<std::string> &k, const std::vector<std::string> &f)
{
    for (size_t i = 0; i < k.size(); ++i)
        if (k[i] != f[i])
            return "op " + std::to_string(i) + " (" + s.ops[i].describe() + "): kernel " + k[i] + " / strata-fuse "
                + f[i] + "\n";
    return {};
}

// Runs the sequences in one pair of mounts. Returns a failure text per failing sequence.
std::map<long, std::string> runBatch(const std::vector<Seq> &seqs, Stats *stats)
{
    std::map<long, std::string> failures;
    auto failAll = [&](const std::string &why) {
        for (const auto &s : seqs)
            failures[s.id] += why;
        return failures;
    };
    const bool index = seqs.front().index();
    const std::vector<std::string> fuseOpts = optionsOf(seqs.front().profile);
    std::string kernelOpts;
    for (const auto &o : fuseOpts)
        kernelOpts += (kernelOpts.empty() ? "" : ",") + o;
    UnionFixture k(kLowers, true), f(kLowers, true);
    if (seqs.front().dataLayers()) {
        k.addDataLayers(kDataLayers);
        f.addDataLayers(kDataLayers);
    }
    for (const auto &s : seqs) {
        fuzz::buildLayers(s.seed, layersOf(k, s), s.dir());
        fuzz::buildLayers(s.seed, layersOf(f, s), s.dir());
    }
    if (!k.mountKernel(false, kernelOpts))
        return failAll("kernel overlayfs mount failed\n");
    if (!f.mountFuse(fuseOpts))
        return failAll("strata-fuse mount failed: " + f.daemonLog() + "\n");
    std::map<long, Snapshot> kernelViews;
    for (const auto &s : seqs) {
        std::vector<std::string> kr, fr;
        for (const auto &op : s.ops) {
            kr.push_back(fuzz::apply(k.path(s.dir()), op));
            fr.push_back(fuzz::apply(f.path(s.dir()), op));
        }
        if (stats) {
            stats->ops += static_cast<long>(s.ops.size());
            for (const auto &r : kr)
                stats->failedOps += r.starts_with("E") || r.starts_with("in:") || r.starts_with("out:");
        }
        std::string why = firstDifference(s, kr, fr);
        kernelViews[s.id] = snapshot(k.path(s.dir()));
        why += diff(kernelViews[s.id], snapshot(f.path(s.dir())), "kernel", "strata-fuse");
        if (!why.empty())
            failures[s.id] += why;
    }
    if (seqs.size() == 1 && std::getenv("STRATA_DIFF_DUMP")) {
        const std::string d = "/" + seqs.front().dir();
        std::printf("== layers of %s (%s)\n", d.c_str(), profileName(seqs.front().profile));
        for (int i = 0; i < kLowers; ++i)
            std::printf("  lower%d:\n%s", i, fuzz::dumpLayer(k.lower(i) + d).c_str());
        std::printf("  kernel's upper:\n%s  strata-fuse's upper:\n%s", fuzz::dumpLayer(k.upper() + d).c_str(),
                    fuzz::dumpLayer(f.upper() + d).c_str());
    }
    const bool kernelClean = k.unmount();
    const bool fuseClean = f.unmount();
    if (!kernelClean || !fuseClean)
        return failAll("unmount failed" + f.daemonLog() + "\n");

    // strata-fuse's upper under the kernel, and the kernel's under strata-fuse.
    f.resetWork(index);
    if (!f.mountKernel(false, kernelOpts))
        return failAll("kernel overlayfs refused strata-fuse's upper\n");
    for (const auto &s : seqs)
        if (auto d = diff(kernelViews[s.id], snapshot(f.path(s.dir())), "kernel", "kernel over strata-fuse's upper");
            !d.empty())
            failures[s.id] += d;
    f.unmount();
    k.resetWork(index);
    if (!k.mountFuse(fuseOpts))
        return failAll("strata-fuse refused the kernel's upper: " + k.daemonLog() + "\n");
    for (const auto &s : seqs)
        if (auto d
            = diff(kernelViews[s.id], snapshot(k.path(s.dir())), "kernel", "strata-fuse over the kernel's upper");
            !d.empty())
            failures[s.id] += d;
    if (!k.unmount())
        return failAll("strata-fuse did not exit cleanly: " + k.daemonLog() + "\n");
    return failures;
}

// Drops operations one at a time, from the end, while the sequence still fails.
Seq minimize(Seq s)
{
    QElapsedTimer t;
    t.start();
    for (size_t i = s.ops.size(); i-- > 0 && t.elapsed() < 120000;) {
        Seq trial = s;
        trial.ops.erase(trial.ops.begin() + static_cast<long>(i));
        if (!runBatch({trial}, nullptr).empty())
            s = std::move(trial);
    }
    return s;
}

} // namespace

class TestEngineDiff : public QObject {
    Q_OBJECT

public:
    // Deep local runs take longer than QTest's five minutes per function; ctest's
    // own timeout still bounds the suite.
    TestEngineDiff() { qputenv("QTEST_FUNCTION_TIMEOUT", "3600000"); }

private Q_SLOTS:
    void randomSequences()
    {
        const long total = envInt("STRATA_DIFF_SEQUENCES", 2000);
        const int nops = static_cast<int>(envInt("STRATA_DIFF_OPS", 50));
        const long seed = envInt("STRATA_DIFF_SEED", 1);
        const long batch = std::max(1L, envInt("STRATA_DIFF_BATCH", 250));
        const long only = envInt("STRATA_DIFF_ONLY", -1); // one sequence id, for debugging
        QElapsedTimer t;
        t.start();
        Stats stats;
        std::map<long, std::string> failures;
        std::vector<Seq> all;
        for (long first = 0; first < total; first += batch) {
            std::vector<Seq> seqs;
            for (long id = first; id < std::min(total, first + batch); ++id) {
                if (only >= 0 && id != only)
                    continue;
                Seq s;
                s.id = id;
                s.seed = static_cast<uint64_t>(seed) * 1000003ULL + static_cast<uint64_t>(id);
                s.ops = fuzz::generate(s.seed, nops);
                s.profile = profileOf(first / batch);
                ++stats.perProfile[s.profile];
                seqs.push_back(s);
                all.push_back(std::move(s));
            }
            if (!seqs.empty())
                failures.merge(runBatch(seqs, &stats));
        }
        std::string profiles;
        for (const auto &[p, n] : stats.perProfile)
            profiles += (profiles.empty() ? "" : ", ") + std::to_string(n) + " " + profileName(p);
        std::printf("differential: %ld sequences (%s), %ld operations (%ld failing alike on both), "
                    "%zu mismatching sequences, %.1f s\n",
                    total, profiles.c_str(), stats.ops, stats.failedOps, failures.size(), t.elapsed() / 1000.0);
        if (failures.empty())
            return;
        std::string report;
        int shown = 0;
        for (const auto &[id, why] : failures) {
            if (shown++ == 3)
                break;
            const Seq small
                = minimize(*std::find_if(all.begin(), all.end(), [id = id](const Seq &s) { return s.id == id; }));
            const auto again = runBatch({small}, nullptr);
            report += "sequence " + std::to_string(id) + " (seed " + std::to_string(small.seed) + ", "
                + profileName(small.profile) + "), minimized to " + std::to_string(small.ops.size()) + " operations:\n";
            for (const auto &op : small.ops)
                report += "  " + op.describe() + "\n";
            report += again.empty() ? why : again.begin()->second;
        }
        QFAIL(report.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineDiff, requireFuseAndKernel)
#include "test_engine_diff.moc"
