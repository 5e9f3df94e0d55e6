// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier, differential: the inspector's offline merged view must equal the
// kernel's mounted view, for every path of a few hundred random stacks whose layers
// were written by kernel overlayfs itself (see stackrecipe.h). Compared per path:
// name set, type, size, mode, owner, symlink target, content digest.
//
// A mismatch is minimized (layers, operations and options dropped while it still
// fails) and the smallest failing stack is printed: the recipe, every layer's tree
// with its overlay xattrs, and the differences.
//
// STRATA_DIFF_SEED=N runs only stack N and prints it; STRATA_DIFF_STACKS=N changes
// the number of stacks.
#include "kerneloverlay.h"
#include "stack/layerstack.h"
#include "stackrecipe.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <chrono>
#include <cstdlib>
#include <sys/stat.h>

using namespace strata;
using namespace strata::test;

namespace {

constexpr uint64_t kFirstSeed = 1;
constexpr uint64_t kDefaultStacks = 220;

struct Outcome {
    std::string error; // the stack could not be built or viewed: a test failure of its own
    std::vector<std::string> diffs;
    size_t paths = 0;
};

// Kernel view and inspector view of a built stack.
Outcome compare(const BuiltStack &s, InspectorStats *stats)
{
    Outcome o;
    if (!s.error.empty()) {
        o.error = s.error;
        return o;
    }
    // The inspector first, offline: nothing is mounted on the layers.
    auto stack = stack::LayerStack::fromSpec(s.spec());
    if (!stack) {
        o.error = "LayerStack::fromSpec: " + stack.error().message();
        return o;
    }
    std::string err;
    const View mine = inspectorView(**stack, err, stats);
    if (!err.empty()) {
        o.error = "inspector: " + err;
        return o;
    }

    const stack::StackSpec spec = s.spec();
    KernelOverlay ovl(s.mergedDir(), spec.lower, spec.upper.value_or(""), spec.work.value_or(""),
                      s.recipe.mountOptions());
    if (!ovl.ok()) {
        o.error = "final mount: " + ovl.error();
        return o;
    }
    const View theirs = kernelView(s.mergedDir(), err);
    ovl.unmount();
    if (!err.empty()) {
        o.error = "kernel view: " + err;
        return o;
    }
    o.paths = theirs.size();
    o.diffs = diffViews(theirs, mine);
    return o;
}

bool stillFails(const std::string &tmp, const StackRecipe &r)
{
    auto s = buildStack(tmp, r);
    const Outcome o = compare(*s, nullptr);
    return o.error.empty() && !o.diffs.empty();
}

size_t opCount(const StackRecipe &r)
{
    size_t n = 0;
    for (const auto &l : r.layers)
        n += l.ops.size() + l.offline.size();
    return n;
}

// Greedy minimization: drop whole layers, then single operations, then options,
// keeping every change after which the stack still fails.
StackRecipe minimize(const std::string &tmp, StackRecipe r)
{
    int budget = 600;
    bool changed = true;
    while (changed && budget > 0) {
        changed = false;
        for (size_t k = r.layers.size(); k-- > 0 && r.layers.size() > 2 && budget > 0;) {
            StackRecipe t = r;
            t.layers.erase(t.layers.begin() + static_cast<long>(k));
            --budget;
            if (stillFails(tmp, t)) {
                r = std::move(t);
                changed = true;
            }
        }
        for (size_t k = 0; k < r.layers.size(); ++k) {
            for (int offline = 0; offline < 2; ++offline) {
                const size_t n = offline ? r.layers[k].offline.size() : r.layers[k].ops.size();
                for (size_t i = n; i-- > 0 && budget > 0;) {
                    StackRecipe t = r;
                    auto &tops = offline ? t.layers[k].offline : t.layers[k].ops;
                    tops.erase(tops.begin() + static_cast<long>(i));
                    --budget;
                    if (stillFails(tmp, t)) {
                        r = std::move(t);
                        changed = true;
                    }
                }
            }
        }
        for (int opt = 0; opt < 3 && budget > 0; ++opt) {
            StackRecipe t = r;
            bool *flag = opt == 0 ? &t.metacopy : opt == 1 ? &t.index : &t.finalUpper;
            if (!*flag)
                continue;
            *flag = false;
            --budget;
            if (stillFails(tmp, t)) {
                r = std::move(t);
                changed = true;
            }
        }
    }
    return r;
}

std::string report(const std::string &tmp, const StackRecipe &r)
{
    auto s = buildStack(tmp, r);
    const Outcome o = compare(*s, nullptr);
    std::string out = describe(r);
    out += "layers as built (top first):\n" + dumpLayers(*s);
    out += "differences (kernel vs inspector):\n";
    for (const auto &d : o.diffs)
        out += "  " + d + "\n";
    if (!o.error.empty())
        out += "  error: " + o.error + "\n";
    return out;
}

uint64_t envNumber(const char *name, uint64_t fallback)
{
    const char *v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

} // namespace

class TestDifferential : public QObject {
    Q_OBJECT

    std::unique_ptr<TempDir> m_tmp;

private slots:
    void initTestCase()
    {
        ::umask(0); // modes in the recipes are exact
        m_tmp = std::make_unique<TempDir>("strata-diff");
    }
    void cleanupTestCase() { m_tmp.reset(); }

    void randomStacksMatchTheKernel()
    {
        const auto started = std::chrono::steady_clock::now();
        const uint64_t only = envNumber("STRATA_DIFF_SEED", 0);
        const uint64_t first = only ? only : kFirstSeed;
        const uint64_t count = only ? 1 : envNumber("STRATA_DIFF_STACKS", kDefaultStacks);

        InspectorStats stats;
        size_t paths = 0, layers = 0, ops = 0, withXattrWhiteouts = 0, metacopyStacks = 0, indexStacks = 0,
               userStacks = 0;
        std::vector<std::pair<uint64_t, StackRecipe>> failing;
        std::vector<std::string> errors;
        for (uint64_t seed = first; seed < first + count; ++seed) {
            StackRecipe recipe;
            auto built = generateStack(m_tmp->path(), seed, recipe);
            const Outcome o = compare(*built, &stats);
            if (only)
                qInfo("%s\nlayers (top first):\n%s", describe(recipe).c_str(), dumpLayers(*built).c_str());
            if (!o.error.empty()) {
                errors.push_back("stack " + std::to_string(seed) + ": " + o.error);
                continue;
            }
            paths += o.paths;
            layers += recipe.layers.size();
            ops += opCount(recipe);
            metacopyStacks += recipe.metacopy;
            indexStacks += recipe.index;
            userStacks += recipe.userxattr;
            for (const auto &l : recipe.layers)
                if (!l.offline.empty()) {
                    ++withXattrWhiteouts;
                    break;
                }
            if (!o.diffs.empty()) {
                failing.emplace_back(seed, recipe);
                std::string lines;
                for (size_t i = 0; i < o.diffs.size() && i < 5; ++i)
                    lines += "\n  " + o.diffs[i];
                qWarning("stack %llu: %zu differences%s", static_cast<unsigned long long>(seed), o.diffs.size(),
                         lines.c_str());
            }
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        qInfo("%llu stacks (%zu layers, %zu operations; %zu with metacopy=on, %zu with index=on, %zu userxattr, "
              "%zu with xattr whiteouts), %zu paths compared in %.1f s; %zu stacks differ, %zu could not be built",
              static_cast<unsigned long long>(count), layers, ops, metacopyStacks, indexStacks, userStacks,
              withXattrWhiteouts, paths, secs, failing.size(), errors.size());
        qInfo("inspector saw: %zu entries, %zu whiteouts, %zu opaque dirs, %zu redirected, %zu metacopy, "
              "%zu copied up, %zu merged dirs, %zu opaque=x dirs, %zu entries with problems",
              stats.entries, stats.whiteouts, stats.opaque, stats.redirected, stats.metacopy, stats.copiedUp,
              stats.merged, stats.xwhiteoutDirs, stats.problems);

        for (const auto &e : errors)
            qWarning("%s", e.c_str());
        QVERIFY2(errors.empty(), "some stacks could not be built or mounted (see above)");

        if (!failing.empty()) {
            // The smallest failing stack, minimized further.
            auto smallest = std::min_element(failing.begin(), failing.end(), [](const auto &a, const auto &b) {
                return opCount(a.second) < opCount(b.second);
            });
            const StackRecipe minimal = minimize(m_tmp->path(), smallest->second);
            qWarning("smallest failing stack (from seed %llu, minimized from %zu to %zu operations):\n%s",
                     static_cast<unsigned long long>(smallest->first), opCount(smallest->second), opCount(minimal),
                     report(m_tmp->path(), minimal).c_str());
            std::string seeds;
            for (const auto &f : failing)
                seeds += " " + std::to_string(f.first);
            QFAIL(("the inspector's merged view differs from the kernel's for stacks:" + seeds).c_str());
        }

        // The generator must actually exercise what the test claims to check.
        if (!only) {
            QVERIFY(count < 100 || paths > count * 10);
            QVERIFY(stats.whiteouts > 0);
            QVERIFY(stats.opaque > 0);
            QVERIFY(stats.redirected > 0);
            QVERIFY(stats.metacopy > 0);
            QVERIFY(stats.copiedUp > 0);
            QVERIFY(stats.merged > 0);
            QVERIFY(stats.xwhiteoutDirs > 0);
        }
    }
};

STRATA_TEST_MAIN_REQUIRES(TestDifferential, strata::test::requireKernelOverlay)

#include "test_differential.moc"
