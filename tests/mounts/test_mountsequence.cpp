// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel mount sequence with layers by file descriptor: every role by fd, the
// mount attached onto a held directory fd, the directories used being the ones
// opened (not what their paths name later), refusals naming the layer with the
// kernel's or the caller's reason. Root, real kernel overlayfs.
#include "mounts/mountsequence.h"
#include "mounts/mounttable.h"
#include "mounts/overlaymount.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::UniqueFd;
using strata::test::dirIn;
using strata::test::TempDir;

namespace {

UniqueFd openPath(const std::string &p)
{
    return UniqueFd(::open(p.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

std::string firstLine(const std::string &p)
{
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    return line;
}

} // namespace

class TestMountSequence : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyRoleByFd()
    {
        TempDir t("strata-mountseq");
        std::ofstream(dirIn(t.path(), "l1") + "/which") << "l1\n";
        std::ofstream(dirIn(t.path(), "l2") + "/only-l2") << "l2\n";
        dirIn(t.path(), "d1");
        dirIn(t.path(), "u");
        dirIn(t.path(), "w");
        const std::string target = dirIn(t.path(), "m");
        UniqueFd l1 = openPath(t / "l1"), l2 = openPath(t / "l2"), d1 = openPath(t / "d1"), u = openPath(t / "u"),
                 w = openPath(t / "w"), m = openPath(target);
        QVERIFY(l1 && l2 && d1 && u && w && m);
        // After opening, l1's path names another directory: the fd still counts.
        QCOMPARE(::rename((t / "l1").c_str(), (t / "l1.opened").c_str()), 0);
        std::ofstream(dirIn(t.path(), "l1") + "/which") << "swapped\n";

        OverlayLayers layers;
        layers.lowers = {LayerRef::byFd(l1.get(), "lowerdir 1"), LayerRef::byFd(l2.get(), "lowerdir 2")};
        layers.dataLayers = {LayerRef::byFd(d1.get(), "datadir 1")};
        layers.upper = LayerRef::byFd(u.get(), "upperdir");
        layers.work = LayerRef::byFd(w.get(), "workdir");
        layers.subject = target;
        auto made = createOverlay(layers, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        QVERIFY2(made, made ? "" : made.error().message().c_str());
        QVERIFY(made->mount);
        QVERIFY(!findMount(target).has_value()); // made, not attached yet
        auto attached = attachMount(made->mount.get(), m.get(), "", target);
        QVERIFY2(attached, attached ? "" : attached.error().message().c_str());

        QCOMPARE(firstLine(target + "/which"), std::string("l1"));
        QCOMPARE(firstLine(target + "/only-l2"), std::string("l2"));
        std::ofstream(target + "/new") << "up\n";
        QCOMPARE(firstLine(t / "u/new"), std::string("up"));
        const auto entry = findMount(target);
        QVERIFY(entry.has_value());
        QCOMPARE(entry->fstype, std::string("overlay"));
        auto opts = parseOverlayOptions(entry->fsOptions);
        QVERIFY(opts.has_value());
        // Linux 6.13+ shows layers given by fd under their real paths.
        QCOMPARE(opts->lowers.size(), size_t(2));
        QCOMPARE(opts->lowers[0], t / "l1.opened");
        QCOMPARE(opts->dataLayers.size(), size_t(1));
        QCOMPARE(opts->upper.value_or(""), t / "u");
        made->mount.reset(); // a held mount fd pins the mount (EBUSY)
        const auto un = unmount(target);
        QVERIFY2(un, un ? "" : un.error().message().c_str());
    }

    void aDetachedMountLeavesNothingBehind()
    {
        TempDir t("strata-mountseq");
        OverlayLayers layers;
        layers.lowers = {LayerRef::byPath(dirIn(t.path(), "l1")), LayerRef::byPath(dirIn(t.path(), "l2"))};
        auto made = createOverlay(layers);
        QVERIFY2(made, made ? "" : made.error().message().c_str());
        made->mount.reset();
        const auto unions = readUnionMounts();
        QVERIFY(unions.has_value());
        for (const auto &u : *unions)
            QVERIFY(u.fsOptions.find(t.path()) == std::string::npos);
    }

    // A refusal names the caller's subject for the layer and the step; where the
    // kernel is silent (ELOOP goes to dmesg), the caller's explanation stands in.
    void refusalsNameTheLayer()
    {
        TempDir t("strata-mountseq");
        const std::string upper = dirIn(t.path(), "u");
        const std::string inner = dirIn(t.path(), "u/low");
        dirIn(t.path(), "w");
        UniqueFd low = openPath(inner), u = openPath(upper), w = openPath(t / "w");
        OverlayLayers layers;
        layers.lowers = {LayerRef::byFd(low.get(), "lowerdir 1 (inside the upper)")};
        layers.upper = LayerRef::byFd(u.get(), "upperdir");
        layers.work = LayerRef::byFd(w.get(), "workdir");
        layers.subject = "the overlay";
        bool asked = false;
        auto made = createOverlay(layers, 0, [&asked] {
            asked = true;
            return std::string("because the test says so");
        });
        QVERIFY(!made);
        QCOMPARE(made.error().code, ELOOP);
        QCOMPARE(made.error().subject, std::string("the overlay"));
        QVERIFY(made.error().reason.starts_with("the kernel refused to create the overlay"));
        QVERIFY(asked);
        QVERIFY2(made.error().reason.find("because the test says so") != std::string::npos,
                 made.error().reason.c_str());

        // An option the kernel does not know: it says so through the fs_context.
        OverlayLayers bad;
        bad.lowers = {LayerRef::byPath(dirIn(t.path(), "l1")), LayerRef::byPath(dirIn(t.path(), "l2"))};
        bad.options = {{"strata_no_such_option", std::nullopt}};
        auto refused = createOverlay(bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().subject, std::string("option strata_no_such_option"));
        QVERIFY2(refused.error().reason.find("overlay:") != std::string::npos, refused.error().reason.c_str());
    }

    void noLowerNoMount()
    {
        OverlayLayers none;
        auto r = createOverlay(none);
        QVERIFY(!r);
        QCOMPARE(r.error().code, EINVAL);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestMountSequence, strata::test::requireKernelOverlay)
#include "test_mountsequence.moc"
