// SPDX-License-Identifier: GPL-2.0-or-later
// The demo stack is what a newcomer sees first: every state must come out of the
// inspector exactly as built. Figures are computed from the files, not written in.
#include "stack/demostack.h"
#include "stack/indexdir.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "stack/summary.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <algorithm>
#include <sys/stat.h>

using namespace strata;
using namespace strata::stack;

namespace {
uint64_t sizeOf(const std::string &p)
{
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}
std::vector<std::string> names(const Listing &l)
{
    std::vector<std::string> out;
    for (const auto &e : l.entries)
        out.push_back(e.name);
    return out;
}
} // namespace

class TestDemoStack : public QObject {
    Q_OBJECT
    strata::test::TempDir m_tmp {"strata-demo"};
    std::shared_ptr<const LayerStack> m_stack;

    MergedEntry entry(const std::string &path, bool whiteouts = false)
    {
        MergedTree t(m_stack);
        ListOptions o;
        o.includeWhiteouts = whiteouts;
        auto e = t.lookup(path, o);
        if (!e)
            qFatal("lookup %s: %s", path.c_str(), e.error().message().c_str());
        return *e;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto spec = createDemoStack(m_tmp.path());
        QVERIFY2(spec.has_value(), spec ? "" : spec.error().message().c_str());
        auto st = LayerStack::fromStackFile(m_tmp / "stack.json");
        QVERIFY2(st.has_value(), st ? "" : st.error().message().c_str());
        m_stack = *st;
        QCOMPARE(m_stack->layers().size(), size_t(3));
        QVERIFY(m_stack->xattrNamespace() == ovl::Namespace::User);
        QVERIFY(m_stack->canReadOverlayXattrs());
    }
    void copiedUpWithOrigin()
    {
        const MergedEntry e = entry("etc/hostname");
        QCOMPARE(e.layer, 0);
        QVERIFY(e.state & StateCopiedUp);
        QVERIFY(e.origin.has_value());
        QVERIFY(e.origin->status == OriginInfo::Status::ResolvedByHandle
                || e.origin->status == OriginInfo::Status::VerifiedByInode);
        QCOMPARE(e.origin->layer, 1);
        QCOMPARE(e.origin->path, std::string("etc/hostname"));
        QCOMPARE(e.shadowed.size(), size_t(2));
    }
    void whiteouts()
    {
        MergedTree t(m_stack);
        auto doc = t.list("usr/share/doc");
        QVERIFY(doc.has_value());
        QVERIFY(names(*doc).empty());
        const MergedEntry w = entry("usr/share/doc/README", true);
        QVERIFY(w.state & StateWhiteout);
        QCOMPARE(w.layer, 1);
        QCOMPARE(w.shadowed.size(), size_t(1));
        QCOMPARE(w.shadowed[0].layer, 2);
        const MergedEntry x = entry("cache/tmp1", true);
        QVERIFY(x.state & StateXattrWhiteout);
        QVERIFY(entry("cache").state & StateXWhiteoutsDir);
        auto cache = t.list("cache");
        QCOMPARE(names(*cache), std::vector<std::string> {"tmp2"});
    }
    void opaqueDir()
    {
        const MergedEntry e = entry("opt/app");
        QVERIFY(e.state & StateOpaque);
        QCOMPARE(e.layer, 1);
        MergedTree t(m_stack);
        QCOMPARE(names(*t.list("opt/app")), std::vector<std::string> {"v2"});
    }
    void redirectedDir()
    {
        const MergedEntry e = entry("web");
        QVERIFY(e.state & StateRedirected);
        QCOMPARE(e.redirect.value_or(""), std::string("/srv/www"));
        QCOMPARE(e.dirLayers, (std::vector<int> {0, 2}));
        MergedTree t(m_stack);
        auto web = t.list("web");
        QCOMPARE(names(*web), std::vector<std::string> {"index.html"});
        QCOMPARE(web->entries[0].layer, 2);
        QVERIFY(names(*t.list("srv")).empty()); // the old name is whited out
    }
    void metacopy()
    {
        const MergedEntry e = entry("data/meta.bin");
        QVERIFY(e.state & StateMetacopy);
        QVERIFY(e.data.has_value());
        QCOMPARE(e.data->layer, 2);
        QCOMPARE(e.data->path, std::string("data/meta.bin"));
        QCOMPARE(e.attrs.mode & 07777, mode_t(0600)); // metadata from the upper
        QCOMPARE(static_cast<uint64_t>(e.attrs.size), sizeOf(m_tmp / "lower1/data/meta.bin"));
    }
    void upperOnly() { QVERIFY(entry("home/user/notes.txt").state & StateUpperOnly); }
    void cumulativeView()
    {
        MergedTree t(m_stack, 1);
        auto e = t.lookup("etc/hostname");
        QVERIFY(e.has_value());
        QCOMPARE(e->layer, 1);
        QVERIFY(!t.lookup("home").has_value()); // only in the upper
    }
    void summary()
    {
        auto sum = summarizeStack(*m_stack);
        QVERIFY2(sum.has_value(), sum ? "" : sum.error().message().c_str());
        const std::string l1 = m_tmp / "lower1/", l2 = m_tmp / "lower2/";
        const uint64_t expected = sizeOf(l1 + "opt/app/v1/readme") + sizeOf(l1 + "opt/app/v1/lib.so")
            + sizeOf(l1 + "cache/tmp1") + sizeOf(l1 + "var/log/boot.log") + sizeOf(l1 + "usr/share/doc/README")
            + sizeOf(l1 + "etc/motd") + sizeOf(l1 + "etc/hostname") + sizeOf(l2 + "etc/hostname");
        QCOMPARE(sum->wastedBytes, expected);
        QCOMPARE(sum->topWasted.front().path, std::string("opt/app"));
        const LayerSummary &mid = sum->layers[1];
        QCOMPARE(mid.whiteouts, uint64_t(2));
        QCOMPARE(mid.opaqueDirs, uint64_t(1));
        const LayerSummary &up = sum->layers[0];
        QCOMPARE(up.metacopy, uint64_t(1));
        QCOMPARE(up.redirects, uint64_t(1));
        QCOMPARE(up.copiedUp, uint64_t(4));
    }
    void changes()
    {
        auto ch = layerChanges(*m_stack, 1);
        QVERIFY(ch.has_value());
        auto has = [&](const std::string &p, Change c) {
            return std::any_of(ch->begin(), ch->end(),
                               [&](const LayerChange &x) { return x.path == p && x.change == c; });
        };
        QVERIFY(has("usr/share/doc/README", Change::Deleted));
        QVERIFY(has("cache/tmp1", Change::Deleted));
        QVERIFY(has("opt/app", Change::Modified));
        QVERIFY(has("opt/app/v1", Change::Deleted));
        QVERIFY(has("bin/new-tool", Change::Added));
        QVERIFY(has("etc/hostname", Change::Modified));
        QVERIFY(!has("etc/os-release", Change::Added)); // lower1's, not this layer's
    }
    void noIndex()
    {
        auto idx = readIndex(*m_stack);
        QVERIFY(idx.has_value());
        QVERIFY(!idx->present);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestDemoStack, strata::test::requireNothing)
#include "test_demostack.moc"
