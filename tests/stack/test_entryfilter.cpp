// SPDX-License-Identifier: GPL-2.0-or-later
// Unit: the tree filters' rules (stack/entryfilter.h), as the app's browsing proxy
// (directories kept open) and its search and `stratactl tree --layer` (strict) apply
// them.
#include "stack/entryfilter.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

using namespace strata::stack;
using Dirs = EntryFilter::Dirs;

class TestEntryFilter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rules()
    {
        const std::vector<int> mergedFrom {1, 2};
        const FilterFacts file {false, false, 0, StateUpperOnly, {}};
        const FilterFacts whiteout {true, false, 1, StateWhiteout, {}};
        const FilterFacts dir {false, true, 1, StateMerged, mergedFrom};

        EntryFilter all;
        for (const auto &f : {file, whiteout, dir})
            QVERIFY(all.accepts(f, Dirs::Strict) && all.accepts(f, Dirs::KeepOpen));

        EntryFilter noWhiteouts;
        noWhiteouts.showWhiteouts = false;
        QVERIFY(!noWhiteouts.accepts(whiteout, Dirs::KeepOpen));
        QVERIFY(noWhiteouts.accepts(file, Dirs::Strict));

        // A state filter keeps directories open while browsing, not in a search.
        EntryFilter upperOnly;
        upperOnly.stateMask = StateUpperOnly;
        QVERIFY(upperOnly.accepts(file, Dirs::Strict));
        QVERIFY(!upperOnly.accepts(dir, Dirs::Strict));
        QVERIFY(upperOnly.accepts(dir, Dirs::KeepOpen));
        QVERIFY(!upperOnly.accepts(whiteout, Dirs::KeepOpen));

        // The layer filter takes the dirs a layer is merged into; "layer only" does not.
        EntryFilter layer2;
        layer2.layer = 2;
        QVERIFY(layer2.accepts(dir, Dirs::Strict));
        QVERIFY(!layer2.accepts(file, Dirs::KeepOpen));
        EntryFilter only2;
        only2.onlyLayer = 2;
        QVERIFY(!only2.accepts(dir, Dirs::KeepOpen));
        EntryFilter only1;
        only1.onlyLayer = 1;
        QVERIFY(only1.accepts(dir, Dirs::Strict) && only1.accepts(whiteout, Dirs::Strict));
        QVERIFY(!only1.accepts(file, Dirs::Strict));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEntryFilter, strata::test::requireNothing)
#include "test_entryfilter.moc"
