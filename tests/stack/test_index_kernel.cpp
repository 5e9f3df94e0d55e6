// SPDX-License-Identifier: GPL-2.0-or-later
// The index reader against what a real kernel index=on mount writes.
#include "kerneloverlay.h"
#include "ovl/xattrs.h"
#include "stack/indexdir.h"
#include "stack/layerstack.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>
#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;

class TestIndexKernel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hardLinkCopyUp()
    {
        strata::test::TempDir tmp;
        for (const char *d : {"lower", "upper", "work", "merged"})
            QVERIFY(::mkdir((tmp / d).c_str(), 0755) == 0);
        std::ofstream(tmp / "lower/a") << "shared data";
        QVERIFY(::link((tmp / "lower/a").c_str(), (tmp / "lower/b").c_str()) == 0);
        {
            strata::test::KernelOverlay ovl(tmp / "merged", {tmp / "lower"}, tmp / "upper", tmp / "work",
                                            {"index=on", "redirect_dir=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            std::ofstream(ovl / "a", std::ios::app) << " more"; // copy-up of one name
            std::ofstream(tmp / "lower/gone") << "x";
            QVERIFY(::unlink((ovl / "gone").c_str()) == 0); // a whiteout, staged in index/
            struct stat st {};
            QVERIFY(::stat((ovl / "b").c_str(), &st) == 0);
            QCOMPARE(st.st_nlink, nlink_t(2)); // the union keeps both names linked
        }
        StackSpec spec;
        spec.lower = {tmp / "lower"};
        spec.upper = tmp / "upper";
        spec.work = tmp / "work";
        auto stack = LayerStack::fromSpec(spec);
        QVERIFY(stack.has_value());
        auto idx = readIndex(**stack);
        QVERIFY2(idx.has_value(), idx ? "" : idx.error().message().c_str());
        QVERIFY(idx->present);
        std::vector<IndexEntry> real;
        for (const IndexEntry &x : idx->entries) {
            if (x.name.starts_with('#'))
                QVERIFY2(x.status == IndexEntry::Status::WorkFile, x.name.c_str()); // never "invalid"
            else
                real.push_back(x);
        }
        QCOMPARE(real.size(), size_t(1));
        const IndexEntry &e = real.front();
        QVERIFY(e.kind == IndexEntry::Kind::HardLink);
        QVERIFY2(e.status == IndexEntry::Status::Ok, e.detail.c_str());
        QVERIFY(e.handle.has_value());
        QCOMPARE(e.lowerLayer, 1);
        QVERIFY(e.lowerPath == "a" || e.lowerPath == "b");
        QVERIFY(e.nlink.has_value());
        QCOMPARE(e.unionNlink.value_or(0), 2u);
        // The index entry is a hard link of the upper copy.
        struct stat up {}, ix {};
        QVERIFY(::lstat((tmp / "upper/a").c_str(), &up) == 0);
        QVERIFY(::lstat((idx->dir + "/" + e.name).c_str(), &ix) == 0);
        QCOMPARE(up.st_ino, ix.st_ino);

        // Remove the upper names behind the kernel's back: the index then holds the
        // only link and, with nlink saying the union has none, it is an orphan.
        QVERIFY(::unlink((tmp / "upper/a").c_str()) == 0);
        const int dfd = ::open(idx->dir.c_str(), O_PATH | O_DIRECTORY);
        QVERIFY(dfd >= 0);
        QVERIFY(ovl::setNlink(dfd, e.name, ovl::Namespace::Trusted, ovl::Nlink {ovl::Nlink::Base::Upper, -1}));
        ::close(dfd);
        auto again = readIndex(**stack);
        QVERIFY(again.has_value());
        const auto it = std::find_if(again->entries.begin(), again->entries.end(),
                                     [&](const IndexEntry &x) { return x.name == e.name; });
        QVERIFY(it != again->entries.end());
        QVERIFY2(it->status == IndexEntry::Status::Orphan, it->detail.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestIndexKernel, strata::test::requireKernelOverlay)
#include "test_index_kernel.moc"
