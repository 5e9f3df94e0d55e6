// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tier, no I/O on layers: the merge rules (core/ovl/mergerules.h) composed as
// the inspector and strata-fuse compose them (look up "d" in the root, list it,
// look up "w" in it) must predict, case by case, what kernel overlayfs showed.
// The expected answers are the table tests/ovl/mergerules.table, recorded from
// real mounts by test_mergerules_kernel; no answer is written here by hand.
#include "mergecases.h"
#include "ovl/mergerules.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <algorithm>
#include <map>
#include <optional>

using namespace strata;
using namespace strata::test;
using namespace strata::test::merge;

namespace {

struct Obj {
    ovl::LayerObject facts;
    bool isDir() const { return S_ISDIR(facts.mode); }
};

// What `kind` is as plain facts (the sizes are the ones the mount test writes).
Obj objectOf(const std::string &kind)
{
    Obj o;
    if (kind == "xw" || kind == "ef") {
        o.facts.mode = S_IFREG | 0644;
        o.facts.whiteoutXattr = kind == "xw";
    } else if (kind == "wh") {
        o.facts.mode = S_IFCHR;
    } else if (kind == "rf" || kind == "file") {
        o.facts.mode = S_IFREG | 0644;
        o.facts.size = kind == "rf" ? 7 : 5;
    } else {
        o.facts.mode = S_IFDIR | 0755;
        if (kind == "diry")
            o.facts.opaque = ovl::Opaque::Yes;
        if (kind == "dirx")
            o.facts.opaque = ovl::Opaque::XWhiteouts;
    }
    return o;
}

struct Stack {
    int layers = 0;
    std::vector<bool> hasD;
    std::vector<std::optional<ovl::Opaque>> dOpaque;
    std::vector<std::optional<Obj>> w;
};

Stack stackOf(const Case &c)
{
    Stack s;
    s.layers = static_cast<int>(layerNames().size());
    s.hasD.assign(static_cast<size_t>(s.layers), c.below != "solo");
    s.hasD[static_cast<size_t>(c.pos)] = true;
    s.dOpaque.assign(static_cast<size_t>(s.layers), std::nullopt);
    if (c.op != "-")
        s.dOpaque[static_cast<size_t>(c.pos)] = c.op == "y" ? ovl::Opaque::Yes : ovl::Opaque::XWhiteouts;
    s.w.assign(static_cast<size_t>(s.layers), std::nullopt);
    s.w[static_cast<size_t>(c.pos)] = objectOf(c.kind);
    if (c.below == "file" || c.below == "dir")
        s.w[static_cast<size_t>(c.pos + 1)] = objectOf(c.below);
    return s;
}

struct Span {
    std::vector<int> layers; // the layers the object found takes from, top first
    std::map<int, bool> xwhiteouts; // per layer: its dir counts opaque=x
    bool whiteout = false; // a whiteout was found before any object
};

// ovl_lookup() over `candidates` (layer 0 is the upper; redirect_dir=on, no
// data-only layers), each layer's object given by `at`.
template<typename At>
Span lookup(const Stack &s, const std::vector<int> &candidates, At at)
{
    Span span;
    ovl::LookupState d;
    for (int l : candidates) {
        if (d.stop)
            break;
        const bool upper = l == 0;
        if (!upper)
            d.last = ovl::isLastLookupLayer(true, d.isDir, false, false, l == s.layers - 1, d.last);
        const std::optional<ovl::LayerObject> o = at(l);
        if (!o)
            continue;
        const auto step = ovl::lookupStep(d, upper, true, *o);
        if (step.kind == ovl::LookupStep::Kind::Whiteout) {
            span.whiteout = span.layers.empty();
            break;
        }
        if (step.kind == ovl::LookupStep::Kind::Ignored)
            break;
        span.layers.push_back(l);
        span.xwhiteouts[l] = step.xwhiteouts;
    }
    return span;
}

std::string predict(const Case &c)
{
    const Stack s = stackOf(c);
    std::vector<int> all;
    for (int l = 0; l < s.layers; ++l)
        all.push_back(l);
    // "d" in the root (merged from every layer).
    const Span d = lookup(s, all, [&](int l) -> std::optional<ovl::LayerObject> {
        if (!s.hasD[static_cast<size_t>(l)])
            return std::nullopt;
        ovl::LayerObject o;
        o.mode = S_IFDIR | 0755;
        o.opaque = s.dOpaque[static_cast<size_t>(l)];
        return o;
    });
    // readdir of "d": the top-most version of "w" in the layers d spans decides.
    const bool filters = ovl::readdirFiltersWhiteouts(d.layers.size(), false, false);
    bool listed = false;
    for (int l : d.layers) {
        if (const auto &w = s.w[static_cast<size_t>(l)]) {
            // Each case's "d" is listed before anything below it was looked up: its
            // upper is not impure yet; the layers share one tmpfs.
            const bool looksUp = ovl::readdirLooksUp(l == 0, filters, false, true);
            listed = !ovl::readdirHides(filters, d.xwhiteouts.at(l), looksUp, w->facts);
            break;
        }
    }
    // lookup of "w" in "d".
    const Span w = lookup(s, d.layers, [&](int l) -> std::optional<ovl::LayerObject> {
        const auto &o = s.w[static_cast<size_t>(l)];
        return o ? std::optional(o->facts) : std::nullopt;
    });
    if (w.layers.empty())
        return observation(listed, "ENOENT", {});
    const Obj &top = *s.w[static_cast<size_t>(w.layers.front())];
    if (!top.isDir())
        return observation(listed, S_ISREG(top.facts.mode) ? "reg:" + std::to_string(top.facts.size) : "chr", {});
    std::vector<std::string> names;
    for (int l : w.layers)
        names.push_back("in-" + layerNames()[static_cast<size_t>(l)]);
    std::sort(names.begin(), names.end());
    return observation(listed, "dir", names);
}

// ovl_lookup() of a metacopy case's "m" in "d" (merged from every layer), as
// strata-fuse's resolve.cpp and the inspector's lookup.cpp compose the rules: each
// layer below a metacopy needs metacopy=on (ovl::mayFollowMetacopy), and the end
// says where the data lies (ovl::metacopyData).
std::string predictMetacopy(const MetacopyCase &c)
{
    const int layers = static_cast<int>(layerNames().size());
    auto at = [&](int l) -> std::optional<ovl::LayerObject> {
        ovl::LayerObject o;
        if (l == c.pos) {
            o.mode = S_IFREG | 0644;
            o.size = 7;
            o.metacopy = true;
            return o;
        }
        if (l != c.pos + 1 || c.data == "none")
            return std::nullopt;
        o.mode = (c.data == "dir" ? S_IFDIR : S_IFREG) | 0644;
        o.size = c.data == "dir" ? 0 : 7;
        return o;
    };
    ovl::LookupState d;
    bool followed = false, lowerMetacopy = false;
    std::optional<int> data;
    for (int l = 0; l < layers && !d.stop; ++l) {
        const bool upper = l == 0;
        if (!upper) {
            d.last = ovl::isLastLookupLayer(true, d.isDir, false, false, l == layers - 1, d.last);
            if (!ovl::mayFollowMetacopy(followed, c.metacopyOn))
                return metacopyObservation("EPERM", {});
        }
        const auto o = at(l);
        if (!o)
            continue;
        const bool wasMetacopy = d.metacopy;
        const auto step = ovl::lookupStep(d, upper, true, *o);
        if (step.kind == ovl::LookupStep::Kind::Whiteout)
            return metacopyObservation("ENOENT", {});
        if (step.kind == ovl::LookupStep::Kind::Ignored)
            break;
        if (d.metacopy) {
            followed = true;
            lowerMetacopy = lowerMetacopy || !upper;
        } else if (wasMetacopy) {
            data = l;
        }
    }
    ovl::MetacopyFacts mf;
    mf.pending = d.metacopy;
    mf.followed = followed;
    mf.lowerMetacopy = lowerMetacopy;
    mf.metacopyOn = c.metacopyOn;
    switch (ovl::metacopyData(mf)) {
    case ovl::MetacopyData::Refused:
        return metacopyObservation("EPERM", {});
    case ovl::MetacopyData::Missing:
        return metacopyObservation("EIO", {});
    case ovl::MetacopyData::DataOnlyLayers: // none in these cases
    case ovl::MetacopyData::Resolved:
        break;
    }
    // The metadata's size; the data's bytes.
    return metacopyObservation("reg:7", data ? "regular" : "0000000");
}

} // namespace

class TestMergeRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableCoversEveryCase()
    {
        const auto table = readTable(tablePath(sourceDir()));
        const auto cases = allCases();
        const auto mcCases = allMetacopyCases();
        QCOMPARE(table.size(), cases.size() + mcCases.size());
        auto inTable = [&](const std::string &key) {
            return std::any_of(table.begin(), table.end(), [&](const TableLine &l) { return l.key == key; });
        };
        for (const Case &c : cases)
            QVERIFY2(inTable(c.key()), c.key().c_str());
        for (const MetacopyCase &c : mcCases)
            QVERIFY2(inTable(c.key()), c.key().c_str());
    }

    void rulesPredictTheKernel()
    {
        const auto table = readTable(tablePath(sourceDir()));
        QVERIFY(!table.empty());
        std::string mismatches;
        for (const Case &c : allCases()) {
            const auto it
                = std::find_if(table.begin(), table.end(), [&](const TableLine &l) { return l.key == c.key(); });
            if (it == table.end())
                continue; // tableCoversEveryCase reports it
            if (const std::string p = predict(c); p != it->observed)
                mismatches += c.key() + ":\n  kernel " + it->observed + "\n  rules  " + p + "\n";
        }
        for (const MetacopyCase &c : allMetacopyCases()) {
            const auto it
                = std::find_if(table.begin(), table.end(), [&](const TableLine &l) { return l.key == c.key(); });
            if (it == table.end())
                continue;
            if (const std::string p = predictMetacopy(c); p != it->observed)
                mismatches += c.key() + ":\n  kernel " + it->observed + "\n  rules  " + p + "\n";
        }
        QVERIFY2(mismatches.empty(), mismatches.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestMergeRules, requireNothing)
#include "test_mergerules.moc"
