// SPDX-License-Identifier: GPL-2.0-or-later
// The doctor's verdicts, each provoked for real and compared with what the kernel
// says and does in a real try-mount (private mount namespace).
#include "faultyfsrunner.h"
#include "kerneloverlay.h"
#include "mounts/doctor.h"
#include "mounts/mounttable.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::test::dirIn;
using strata::test::FaultyFs;
using strata::test::KernelOverlay;
using strata::test::pathExists;
using strata::test::TempDir;

namespace {

OverlayOptions stackIn(const std::string &dir, std::vector<std::string> options = {})
{
    OverlayOptions o;
    o.lowers = {dirIn(dir, "l1"), dirIn(dir, "l2")};
    o.upper = dirIn(dir, "u");
    o.work = dirIn(dir, "w");
    for (auto &opt : options) {
        const size_t eq = opt.find('=');
        o.others.push_back(
            {opt.substr(0, eq), eq == std::string::npos ? std::nullopt : std::optional(opt.substr(eq + 1))});
    }
    return o;
}

const DoctorFinding *findingOf(const Diagnosis &d, std::string_view code)
{
    for (const auto &f : d.findings)
        if (f.code == code)
            return &f;
    return nullptr;
}

std::string describe(const Diagnosis &d, const TryMount &t)
{
    std::string s = "findings:";
    for (const auto &f : d.findings)
        s += " [" + f.code + " " + std::string(severityName(f.severity)) + ": " + f.kernelMessage + "]";
    s += " | try-mount " + std::string(t.mounted ? "mounted" : "refused") + " at " + t.step + ":";
    for (const auto &m : t.messages)
        s += " <" + m + ">";
    return s;
}

// The verdict `code` is there, the kernel refused (or not) as predicted, and its
// message is the one predicted.
void expectConfirmed(const OverlayOptions &spec, std::string_view code, bool refuses)
{
    const TryMount t = tryMount(spec); // before diagnose: its syncfs consumes errors
    const Diagnosis d = diagnose(spec);
    const std::string why = describe(d, t);
    const DoctorFinding *f = findingOf(d, code);
    QVERIFY2(f, why.c_str());
    QVERIFY2(t.attempted, t.notAttempted.c_str());
    QCOMPARE(f->kernelRefuses, refuses);
    QVERIFY2(t.mounted == !d.refused(Backend::Kernel), why.c_str());
    if (!f->kernelMessage.empty() && f->atMount)
        QVERIFY2(kernelSaid(t.messages, f->kernelMessage), why.c_str());
}

} // namespace

class TestDoctor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanStackMounts()
    {
        TempDir t;
        const OverlayOptions spec = stackIn(t.path());
        const TryMount tm = tryMount(spec);
        const Diagnosis d = diagnose(spec);
        QVERIFY2(!d.refused(Backend::Kernel), describe(d, tm).c_str());
        QVERIFY2(tm.mounted, describe(d, tm).c_str());
    }

    // The try-mount goes through the one mount sequence: upperdir/workdir escaped as
    // the kernel unescapes them (a backslash, a comma, a colon in the path), in both
    // the fsconfig and the legacy mount(2) try. A volatile try leaves no marker and no
    // checkpoint behind.
    void tryMountEscapesLayerPaths()
    {
        TempDir t;
        OverlayOptions spec;
        spec.lowers = {dirIn(t.path(), "low:er")};
        spec.upper = dirIn(t.path(), "up\\per,1");
        spec.work = dirIn(t.path(), "wo:rk\\2");
        spec.others = {{"volatile", std::nullopt}};
        const TryMount tm = tryMount(spec);
        QVERIFY2(tm.attempted, tm.notAttempted.c_str());
        QVERIFY2(tm.mounted, describe(diagnose(spec), tm).c_str());
        const TryMount legacy = tryMount(spec, true);
        QVERIFY2(legacy.attempted, legacy.notAttempted.c_str());
        QVERIFY2(legacy.mounted, (legacy.step + ": " + std::strerror(legacy.err)).c_str());
        QVERIFY(!pathExists(*spec.work + "/work/incompat"));
        QVERIFY(!pathExists(*spec.work + "/strata-volatile"));
    }

    void dirtyVolatileMarkerFromARealMount()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path());
        {
            KernelOverlay ovl(dirIn(t.path(), "m"), spec.lowers, *spec.upper, *spec.work, {"volatile"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
        }
        expectConfirmed(spec, "volatile-dirty", true);
        const Diagnosis d = diagnose(spec);
        QVERIFY(!findingOf(d, "volatile-dirty")->repair.empty());
        // strata-fuse refuses it too, until repaired.
        QVERIFY(findingOf(d, "volatile-dirty")->fuseRefuses);
    }

    void moreThan500Lowers()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path());
        spec.lowers.clear();
        for (int i = 0; i < 501; ++i)
            spec.lowers.push_back(dirIn(t.path(), "l" + std::to_string(i)));
        expectConfirmed(spec, "too-many-lowers", true);
    }

    void upperAndWorkOnDifferentFilesystems()
    {
        TempDir t;
        const std::string a = dirIn(t.path(), "a"), b = dirIn(t.path(), "b");
        QVERIFY(::mount("tmpfs", a.c_str(), "tmpfs", 0, "size=4m") == 0);
        QVERIFY(::mount("tmpfs", b.c_str(), "tmpfs", 0, "size=4m") == 0);
        OverlayOptions spec = stackIn(t.path());
        spec.upper = dirIn(a, "u");
        spec.work = dirIn(b, "w");
        expectConfirmed(spec, "work-other-mount", true);
        QVERIFY(findingOf(diagnose(spec), "work-other-mount")->fuseRefuses); // another fs: strata-fuse too
    }

    void busyWorkdirWithIndex()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path(), {"index=on"});
        KernelOverlay ovl(dirIn(t.path(), "m"), spec.lowers, *spec.upper, *spec.work, {"index=on"});
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        expectConfirmed(spec, "layer-in-use", true);
    }

    void busyWorkdirWithoutIndexOnlyWarns()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path(), {"index=off"});
        KernelOverlay ovl(dirIn(t.path(), "m"), spec.lowers, *spec.upper, *spec.work, {"index=off"});
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        expectConfirmed(spec, "layer-in-use", false);
    }

    void kernelOverlayAsUpper()
    {
        TempDir t;
        const std::string base = dirIn(t.path(), "base");
        KernelOverlay ovl(dirIn(t.path(), "m"), {dirIn(base, "l")}, dirIn(base, "u"), dirIn(base, "w"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        OverlayOptions spec = stackIn(t.path());
        spec.upper = dirIn(ovl.target(), "up");
        spec.work = dirIn(ovl.target(), "wk");
        expectConfirmed(spec, "upper-overlay", true);
        DoctorOptions fuse;
        fuse.backend = Backend::Fuse;
        const Diagnosis d = diagnose(spec, fuse);
        QVERIFY(!d.refused(Backend::Fuse)); // strata-fuse takes an overlay upper
    }

    void stackingDepth()
    {
        TempDir t;
        KernelOverlay a(dirIn(t.path(), "a"), {dirIn(t.path(), "a1"), dirIn(t.path(), "a2")});
        QVERIFY2(a.ok(), a.error().c_str());
        KernelOverlay b(dirIn(t.path(), "b"), {a.target(), dirIn(t.path(), "b2")});
        QVERIFY2(b.ok(), b.error().c_str());
        OverlayOptions spec = stackIn(t.path());
        spec.lowers = {b.target()};
        expectConfirmed(spec, "stack-depth", true);
    }

    // An overlay mounted without nfs_export hands out identify-only file handles
    // (AT_HANDLE_FID, since 6.6) that nothing can decode. index=on over a lower inside
    // one: the kernel warns and mounts with index=off.
    void indexOverALowerWithoutFileHandles()
    {
        TempDir t;
        const std::string a1 = dirIn(t.path(), "a1");
        dirIn(a1, "sub");
        KernelOverlay a(dirIn(t.path(), "a"), {a1, dirIn(t.path(), "a2")}, {}, {}, {"nfs_export=off"});
        QVERIFY2(a.ok(), a.error().c_str());
        OverlayOptions spec = stackIn(t.path(), {"index=on"});
        spec.lowers = {a / "sub"};
        expectConfirmed(spec, "index-no-file-handles", false);

        const TryMount tm = tryMount(spec);
        const Diagnosis d = diagnose(spec);
        const std::string why = describe(d, tm);
        const DoctorFinding *f = findingOf(d, "index-no-file-handles");
        QCOMPARE(f->severity, Severity::Warning);
        QCOMPARE(f->role, LayerRole::Lower);
        QCOMPARE(f->layer, spec.lowers.front());
        // The doctor quotes the kernel's whole message, not a part of it.
        const bool whole = std::ranges::any_of(tm.messages, [&](const std::string &m) {
            return m.ends_with(f->kernelMessage) || m.ends_with(f->kernelMessage + ".");
        });
        QVERIFY2(whole, why.c_str());

        // What the kernel made of it: no index=on in the superblock options (it shows
        // index only when it differs from the module default) and no index dir.
        KernelOverlay b(dirIn(t.path(), "b"), spec.lowers, *spec.upper, *spec.work, {"index=on"});
        QVERIFY2(b.ok(), b.error().c_str());
        const auto mounted = findMount(b.target());
        QVERIFY2(mounted, mounted ? "" : mounted.error().message().c_str());
        QVERIFY2(mounted->fsOptions.find("index=on") == std::string::npos, mounted->fsOptions.c_str());
        QVERIFY(!pathExists(*spec.work + "/index"));
    }

    void optionStringOverOnePage()
    {
        TempDir t;
        OverlayOptions spec;
        const std::string deep = dirIn(dirIn(t.path(), std::string(60, 'd')), std::string(60, 'e'));
        // 45 layers of ~150 bytes: past 4 KiB, and the page ends inside a path.
        for (int i = 0; i < 45; ++i)
            spec.lowers.push_back(dirIn(deep, std::string(20, 'x') + std::to_string(1000 + i)));
        const Diagnosis d = diagnose(spec);
        const DoctorFinding *f = findingOf(d, "options-too-long");
        QVERIFY2(f, describe(d, {}).c_str());
        QVERIFY(!f->kernelRefuses); // Strata passes layers one by one
        const TryMount viaFsconfig = tryMount(spec);
        QVERIFY2(viaFsconfig.mounted, describe(d, viaFsconfig).c_str());
        const TryMount viaMount2 = tryMount(spec, true);
        QVERIFY2(viaMount2.attempted, viaMount2.notAttempted.c_str());
        QVERIFY2(!viaMount2.mounted, describe(d, viaMount2).c_str()); // the cut string names no layer
    }

    void pathTooLongForFsconfig()
    {
        TempDir t;
        std::string deep = t.path();
        while (deep.size() < 300)
            deep = dirIn(deep, std::string(50, 'p'));
        OverlayOptions spec = stackIn(t.path());
        spec.lowers.front() = deep;
        expectConfirmed(spec, "path-too-long-for-fsconfig", true);
        const TryMount tm = tryMount(spec);
        QCOMPARE(tm.step, std::string("fsconfig lowerdir+"));
        QCOMPARE(tm.err, EINVAL);
    }

    void fuseUpperFromBindfs()
    {
        if (::access("/usr/bin/bindfs", X_OK) != 0)
            QSKIP("bindfs is not installed");
        TempDir t;
        const std::string backing = dirIn(t.path(), "backing"), fused = dirIn(t.path(), "fused");
        const int rc = std::system(("bindfs " + backing + " " + fused).c_str());
        QCOMPARE(rc, 0);
        struct Unmount {
            std::string p;
            ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
        } unmount {fused};
        OverlayOptions spec = stackIn(t.path());
        spec.upper = dirIn(fused, "u");
        spec.work = dirIn(fused, "w");
        const TryMount tm = tryMount(spec);
        const Diagnosis d = diagnose(spec);
        const std::string why = describe(d, tm);
        // Either bindfs has every feature (the kernel mounts it) or the doctor names
        // what is missing: the verdict must match the kernel's.
        QVERIFY2(findingOf(d, "upper-remote") || findingOf(d, "upper-missing-features"), why.c_str());
        QVERIFY2(tm.mounted == !d.refused(Backend::Kernel), why.c_str());
        if (const DoctorFinding *f = findingOf(d, "upper-missing-features")) {
            QVERIFY2(kernelSaid(tm.messages, f->kernelMessage), why.c_str());
            QVERIFY(!f->fuseRefuses);
        }
    }

    void unseenWritebackErrorRefusesVolatile()
    {
        TempDir t;
        const std::string backing = dirIn(t.path(), "backing"), fused = dirIn(t.path(), "fused");
        FaultyFs ffs(backing, fused);
        QVERIFY2(ffs.ok(), ffs.error().c_str());
        OverlayOptions spec = stackIn(t.path(), {"volatile"});
        spec.upper = dirIn(fused, "u");
        spec.work = dirIn(fused, "w");
        {
            const int fd = ::open((fused + "/u/data").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, "lost", 4), ssize_t(4)); // into the page cache
            ffs.failWrites(true);
            ::close(fd); // writeback on flush fails: the error is on the superblock now
        }
        expectConfirmed(spec, "writeback-error", true);
        ffs.failWrites(false);
    }

    void userxattrOverTrustedLayers()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path(), {"userxattr"});
        const std::string opaque = dirIn(spec.lowers.front(), "dir");
        QVERIFY(::setxattr(opaque.c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
        expectConfirmed(spec, "xattr-namespace-mismatch", false);
    }

    void redirectsTurnedOff()
    {
        TempDir t;
        OverlayOptions spec = stackIn(t.path(), {"redirect_dir=nofollow"});
        const std::string moved = dirIn(*spec.upper, "moved");
        QVERIFY(::setxattr(moved.c_str(), "trusted.overlay.redirect", "/orig", 5, 0) == 0);
        expectConfirmed(spec, "redirect-not-followed", false);
        // What the finding says happens on lookup: EPERM for the redirected directory.
        KernelOverlay ovl(dirIn(t.path(), "m"), spec.lowers, *spec.upper, *spec.work, {"redirect_dir=nofollow"});
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        struct stat st;
        QCOMPARE(::stat((ovl / "moved").c_str(), &st), -1);
        QCOMPARE(errno, EPERM);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestDoctor, strata::test::requireKernelOverlay)
#include "test_doctor.moc"
