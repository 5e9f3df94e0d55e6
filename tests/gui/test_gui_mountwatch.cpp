// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: the mounts picker follows the mount table live. A kernel overlay is
// mounted while the dialog is open and must appear in its list, then unmounted and
// must go, each time on the watcher's own signal (bounded waits, no sleeps).
#include "guitestmain.h"
#include "kerneloverlay.h"
#include "mountsdialog.h"
#include "mountwatcher.h"
#include "rowtablemodel.h"
#include "tempdir.h"
#include "testenv.h"

#include <QSignalSpy>
#include <QTest>
#include <sys/mount.h>
#include <sys/stat.h>

using namespace strata;
using namespace strata::gui;

namespace {

bool listed(const RowTableModel &model, const QString &mountpoint)
{
    for (int r = 0; r < model.rowCount(); ++r)
        for (int c = 0; c < model.columnCount(); ++c)
            if (model.index(r, c).data().toString() == mountpoint)
                return true;
    return false;
}

// Waits, change by change, until `mountpoint` is (or is no longer) listed. Mount
// tables change for other reasons too, so a change may not be ours yet; each wait
// is bounded, and so is the number of changes we sit through.
bool waitListed(MountWatcher &watcher, const RowTableModel &model, const QString &mountpoint, bool wanted)
{
    QSignalSpy changed(&watcher, &MountWatcher::mountsChanged);
    for (int i = 0; i < 20 && listed(model, mountpoint) != wanted; ++i)
        if (!changed.wait(10000))
            return false;
    return listed(model, mountpoint) == wanted;
}

} // namespace

class TestGuiMountWatch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void overlayAppearsAndGoes()
    {
        test::TempDir tmp("strata-gui-mountwatch");
        const std::string base = tmp.path();
        QVERIFY(::mount("tmpfs", base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        for (const char *d : {"l1", "l2", "mnt"})
            QVERIFY(::mkdir((base + "/" + d).c_str(), 0755) == 0);
        const QString mnt = QString::fromStdString(base + "/mnt");

        MountWatcher watcher;
        QVERIFY2(watcher.isLive(), "the watcher does not follow /proc/self/mountinfo");
        MountsDialog dialog(&watcher);
        dialog.show();
        QVERIFY(!listed(*dialog.model(), mnt));

        {
            test::KernelOverlay ovl(base + "/mnt", {base + "/l1", base + "/l2"}); // read-only: two lowers
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QVERIFY2(waitListed(watcher, *dialog.model(), mnt, true), "the new overlay mount did not appear");
            QVERIFY2(ovl.unmount(), ovl.error().c_str());
            QVERIFY2(waitListed(watcher, *dialog.model(), mnt, false), "the unmounted overlay did not go");
        }
        QVERIFY(::umount2(base.c_str(), MNT_DETACH) == 0);
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiMountWatch, test::requireKernelOverlay)
#include "test_gui_mountwatch.moc"
