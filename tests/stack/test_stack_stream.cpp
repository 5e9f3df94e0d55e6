// SPDX-License-Identifier: GPL-2.0-or-later
// MergedTree::list streamed (the desktop app's big directories): batches in bytewise
// order, small first, the same entries as one listing, and a sink that stops the
// listing early. Expected names and layers come from how the layers were written.
#include "ovl/whiteout.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;

namespace {

constexpr int kFiles = 1500;

std::string fileName(int i)
{
    return "f" + std::to_string(10000 + i); // same length: bytewise order is numeric order
}

} // namespace

class TestStackStream : public QObject {
    Q_OBJECT
    test::TempDir m_tmp {"strata-stack-stream"};
    std::shared_ptr<const LayerStack> m_stack;
    std::map<std::string, int> m_expected; // visible name -> layer

private Q_SLOTS:
    void initTestCase()
    {
        namespace fs = std::filesystem;
        const std::string l0 = m_tmp / "l0/big", l1 = m_tmp / "l1/big", up = m_tmp / "up/big";
        for (const auto &d : {l0, l1, up, m_tmp / "work"})
            fs::create_directories(d);
        const int upFd = ::open(up.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (int i = 0; i < kFiles; ++i) {
            const std::string name = fileName(i);
            std::ofstream(l0 + "/" + name) << i;
            m_expected[name] = 2;
            if (i % 10 == 3) {
                std::ofstream(l1 + "/" + name) << "replaced";
                m_expected[name] = 1;
            }
            if (i % 20 == 7) {
                auto wh = ovl::makeWhiteout(upFd, name);
                QVERIFY2(wh, wh ? "" : wh.error().message().c_str());
                m_expected.erase(name);
            }
        }
        std::ofstream(up + "/new-in-upper") << "x";
        m_expected["new-in-upper"] = 0;
        ::close(upFd);
        StackSpec spec;
        spec.lower = {m_tmp / "l1", m_tmp / "l0"};
        spec.upper = m_tmp / "up";
        spec.work = m_tmp / "work";
        auto opened = LayerStack::fromSpec(spec);
        QVERIFY2(opened, opened ? "" : opened.error().message().c_str());
        m_stack = *opened;
    }

    void batchesInOrderSmallFirst()
    {
        const MergedTree tree(m_stack);
        std::vector<size_t> sizes;
        std::vector<MergedEntry> streamed;
        auto listing = tree.list("big", {}, [&](std::vector<MergedEntry> &&batch) {
            sizes.push_back(batch.size());
            std::move(batch.begin(), batch.end(), std::back_inserter(streamed));
            return true;
        });
        QVERIFY2(listing, listing ? "" : listing.error().message().c_str());
        QVERIFY(listing->entries.empty()); // they went to the sink
        QVERIFY(listing->problems.empty());
        QVERIFY(sizes.size() > 1);
        QCOMPARE(sizes.front(), kFirstListBatch);
        for (size_t i = 1; i + 1 < sizes.size(); ++i)
            QCOMPARE(sizes[i], std::min(sizes[i - 1] * 2, kMaxListBatch));

        std::map<std::string, int> got;
        for (size_t i = 0; i < streamed.size(); ++i) {
            if (i > 0)
                QVERIFY(streamed[i - 1].name < streamed[i].name);
            got[streamed[i].name] = streamed[i].layer;
        }
        QCOMPARE(got, m_expected);

        // The same entries as one listing, with whiteouts asked for: every deleted name.
        auto whole = tree.list("big", ListOptions {true, true});
        QVERIFY(whole);
        const auto deleted = std::count_if(whole->entries.begin(), whole->entries.end(),
                                           [](const MergedEntry &e) { return e.isWhiteout(); });
        QCOMPARE(size_t(deleted), size_t(kFiles / 20));
        QCOMPARE(whole->entries.size(), m_expected.size() + size_t(deleted));
    }

    void sinkStopsTheListing()
    {
        const MergedTree tree(m_stack);
        size_t seen = 0, calls = 0;
        auto listing = tree.list("big", {}, [&](std::vector<MergedEntry> &&batch) {
            seen += batch.size();
            ++calls;
            return false;
        });
        QVERIFY(listing);
        QCOMPARE(calls, size_t(1));
        QCOMPARE(seen, kFirstListBatch);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestStackStream, strata::test::requireRoot)
#include "test_stack_stream.moc"
