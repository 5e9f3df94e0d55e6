// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tier, offscreen: a stack whose upper root records lower layer 1 with another
// filesystem uuid (written as user.overlay.origin, so no privileges are needed) gets
// the "uuid changed" badge on the upper and lower 1 rows, with the kernel's verdict
// and the ways out in the tooltip; the restamp dialog shows its dry-run preview
// before its button is enabled, and running it makes the stack consistent.
#include "guitestmain.h"
#include "layerstackmodel.h"
#include "ovl/filehandle.h"
#include "ovl/xattrnames.h"
#include "restampdialog.h"
#include "stack/identitycheck.h"
#include "tempdir.h"
#include "testenv.h"
#include "util/uniquefd.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

using namespace strata;

namespace {

// A user-namespace stack (l1, l2, u, w) whose upper root origin carries lower 1's
// real handle with a made-up uuid: what a `tune2fs -U` leaves behind. Empty on
// success, else why the filesystem cannot hold it.
std::string makeDriftedStack(const std::string &base)
{
    for (const char *d : {"/l1", "/l2", "/u", "/w"})
        if (::mkdir((base + d).c_str(), 0755) != 0)
            return "mkdir failed";
    UniqueFd lower(::open((base + "/l1").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    auto fh = ovl::handleOfFd(lower.get());
    if (!fh)
        return fh.error().message();
    if (fh->nullUuid())
        return "the filesystem of $TMPDIR has no uuid";
    fh->uuid[0] ^= 0xff; // the "old" uuid
    const auto bytes = ovl::encodeFileHandle(*fh);
    const std::string name = ovl::name(ovl::Namespace::User, ovl::Attr::Origin);
    if (::setxattr((base + "/u").c_str(), name.c_str(), bytes.data(), bytes.size(), 0) != 0)
        return "user xattrs unsupported here";
    return {};
}

std::shared_ptr<const stack::LayerStack> openStack(const std::string &base)
{
    stack::StackSpec spec;
    spec.lower = {base + "/l1", base + "/l2"};
    spec.upper = base + "/u";
    spec.work = base + "/w";
    spec.xattrNamespace = ovl::Namespace::User;
    spec.options = {{"userxattr", std::nullopt}, {"index", "on"}};
    auto s = stack::LayerStack::fromSpec(spec);
    return s ? *s : nullptr;
}

} // namespace

class TestGuiIdentity : public QObject {
    Q_OBJECT
private slots:
    void badgeAndRestampPreview();
};

void TestGuiIdentity::badgeAndRestampPreview()
{
    // A filesystem with a uuid: $TMPDIR's, else /dev/shm (tmpfs has one since 6.9).
    test::TempDir tmp("strata-gui-identity");
    std::string base = tmp.path();
    std::string why = makeDriftedStack(base);
    std::unique_ptr<QTemporaryDir> shm;
    if (!why.empty()) {
        shm = std::make_unique<QTemporaryDir>(QStringLiteral("/dev/shm/strata-gui-identity-XXXXXX"));
        if (!shm->isValid())
            QSKIP((why + "; no /dev/shm either").c_str());
        base = shm->path().toStdString();
        if (const auto again = makeDriftedStack(base); !again.empty())
            QSKIP((why + "; /dev/shm: " + again).c_str());
    }
    auto stack = openStack(base);
    QVERIFY(stack);
    const auto verdict = stack::checkIdentity(*stack);
    QCOMPARE(verdict.state, stack::IdentityState::Drifted);
    QVERIFY(verdict.restampable);

    gui::LayerStackModel model;
    QAbstractItemModelTester tester(&model);
    model.setStack(stack);
    model.setIdentity(verdict);
    const auto badgeCell = [&](int row) { return model.index(row, gui::LayerStackModel::BadgesColumn); };
    QVERIFY(model.badges(0).contains(QStringLiteral("uuid changed")));
    QVERIFY(model.badges(1).contains(QStringLiteral("uuid changed")));
    QVERIFY(!model.badges(2).contains(QStringLiteral("uuid changed")));
    QVERIFY(badgeCell(0).data(gui::LayerStackModel::IdentityDriftRole).toBool());
    const QString tip = badgeCell(0).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(QStringLiteral("failed to verify upper root origin")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("index=off")), qPrintable(tip));

    gui::RestampDialog dialog(stack, verdict);
    QSignalSpy preview(&dialog, &gui::RestampDialog::previewReady);
    QVERIFY(!dialog.runButton()->isEnabled()); // nothing runs before the preview
    QVERIFY(preview.wait(10000));
    QVERIFY(preview.first().first().toInt() >= 1);
    QVERIFY2(dialog.changesView()->toPlainText().contains(QStringLiteral("user.overlay.origin")),
             qPrintable(dialog.changesView()->toPlainText()));
    // The preview changed nothing.
    QCOMPARE(stack::checkIdentity(*stack).state, stack::IdentityState::Drifted);
    QVERIFY(dialog.runButton()->isEnabled());

    QSignalSpy done(&dialog, &gui::RestampDialog::restamped);
    QTest::mouseClick(dialog.runButton(), Qt::LeftButton);
    QVERIFY(done.wait(10000));
    QVERIFY2(done.first().first().toBool(), qPrintable(dialog.statusLabel()->text()));
    auto reopened = openStack(base);
    QVERIFY(reopened);
    QCOMPARE(stack::checkIdentity(*reopened).state, stack::IdentityState::Consistent);
}

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiIdentity, strata::test::requireNothing)

#include "test_gui_identity.moc"
