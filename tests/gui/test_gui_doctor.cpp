// SPDX-License-Identifier: GPL-2.0-or-later
// "Why won't it mount?": the doctor's verdicts in the dialog, and the volatile repair
// behind it, which clears the marker only when the checkpoint says it is safe.
#include "doctordialog.h"
#include "guitestmain.h"
#include "jobs.h"
#include "mounts/volatile.h"
#include "rowtablemodel.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"

#include <QLabel>
#include <QPushButton>

using namespace strata;
using namespace strata::gui;
using strata::test::dirIn;
using strata::test::TempDir;

namespace {

mounts::OverlayOptions stackIn(const TempDir &t)
{
    mounts::OverlayOptions o;
    o.lowers = {dirIn(t.path(), "l1")};
    o.upper = dirIn(t.path(), "u");
    o.work = dirIn(t.path(), "w");
    return o;
}

QStringList codes(const RowTableModel *m)
{
    QStringList out;
    for (int r = 0; r < m->rowCount(); ++r)
        out << m->row(r).payload.toString();
    return out;
}

} // namespace

class TestGuiDoctor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsVerdictsAndRefusesAnUnsafeRepair()
    {
        TempDir t;
        const auto spec = stackIn(t);
        QVERIFY(mounts::createVolatileMarker(*spec.work)); // no checkpoint: not known intact
        DoctorDialog dialog(spec, QStringLiteral("test"));
        dialog.show();
        QTRY_VERIFY(!dialog.job()->isRunning());
        QVERIFY2(codes(dialog.model()).contains(QStringLiteral("volatile-dirty")),
                 qPrintable(codes(dialog.model()).join(QLatin1Char(' '))));
        QVERIFY(dialog.repairButton()->isEnabled());
        dialog.repairConfirmed();
        QTRY_VERIFY(!dialog.job()->isRunning()
                    && dialog.statusLabel()->text().contains(QStringLiteral("Not repaired")));
        QVERIFY(mounts::volatileMarkerPresent(*spec.work));
    }

    void repairsWhenTheCheckpointSaysSafe()
    {
        TempDir t;
        const auto spec = stackIn(t);
        QVERIFY(mounts::createVolatileMarker(*spec.work));
        QVERIFY(mounts::recordVolatileMount(*spec.upper, *spec.work, "kernel"));
        DoctorDialog dialog(spec, QStringLiteral("test"));
        QTRY_VERIFY(!dialog.job()->isRunning());
        dialog.repairConfirmed();
        QTRY_VERIFY(!dialog.job()->isRunning() && dialog.statusLabel()->text().contains(QStringLiteral("intact")));
        QVERIFY(!mounts::volatileMarkerPresent(*spec.work));
        QVERIFY(!codes(dialog.model()).contains(QStringLiteral("volatile-dirty")));
        QVERIFY(!dialog.repairButton()->isEnabled());
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiDoctor, strata::test::requireNothing)
#include "test_gui_doctor.moc"
