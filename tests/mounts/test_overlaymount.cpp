// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: real kernel overlays mounted through overlaymount, read back through
// the mount table and the options parser, byte for byte; refusals carry a reason;
// the preflight's verdict matches what the kernel does.
#include "mounts/mounttable.h"
#include "mounts/overlaymount.h"
#include "mounts/overlayoptions.h"
#include "mounts/preflight.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/displayname.h"

#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::test::TempDir;

namespace {

// Every character that mountinfo or overlayfs escapes, plus bytes that are not UTF-8.
const std::string kNasty = std::string("we:ir,d s\\x\ty\nz") + "\xff\xfe" + "::c\\:";

bool makeDir(const std::string &p)
{
    return ::mkdir(p.c_str(), 0755) == 0;
}

bool touch(const std::string &p)
{
    const int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

bool exists(const std::string &p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

// Layers under `dir` named "<role><i>" + kNasty, each created with a file of its own.
OverlayOptions makeStack(const TempDir &dir, int lowers, int data, bool upper)
{
    OverlayOptions o;
    for (int i = 0; i < lowers; ++i) {
        o.lowers.push_back(dir / ("l" + std::to_string(i) + kNasty));
        makeDir(o.lowers.back());
        touch(o.lowers.back() + "/f" + std::to_string(i));
    }
    for (int i = 0; i < data; ++i) {
        o.dataLayers.push_back(dir / ("d" + std::to_string(i) + kNasty));
        makeDir(o.dataLayers.back());
    }
    if (upper) {
        o.upper = dir / ("u" + kNasty);
        o.work = dir / ("w" + kNasty);
        makeDir(*o.upper);
        makeDir(*o.work);
    }
    return o;
}

// Reads the overlay at `target` back from /proc/self/mountinfo.
OverlayOptions readBack(const std::string &target, const char **failure)
{
    auto entry = findMount(target);
    if (!entry) {
        *failure = "mount not found in the mount table";
        return {};
    }
    if (entry->fstype != "overlay") {
        *failure = "not an overlay at the target";
        return {};
    }
    auto parsed = parseOverlayOptions(entry->fsOptions);
    if (!parsed) {
        *failure = "options of the live mount did not parse";
        return {};
    }
    return *parsed;
}

// Which layer field of `back` differs from `spec`, shown escaped; "" when all are
// equal byte for byte.
std::string layerDiff(const OverlayOptions &back, const OverlayOptions &spec)
{
    auto show = [](const std::vector<std::string> &v) {
        std::string out;
        for (const auto &s : v)
            out += strata::displayName(s) + " | ";
        return out;
    };
    if (back.lowers != spec.lowers)
        return "lowers: " + show(back.lowers) + " != " + show(spec.lowers);
    if (back.dataLayers != spec.dataLayers)
        return "data layers: " + show(back.dataLayers) + " != " + show(spec.dataLayers);
    if (back.upper != spec.upper)
        return "upper: " + strata::displayName(back.upper.value_or("-"));
    if (back.work != spec.work)
        return "work: " + strata::displayName(back.work.value_or("-"));
    return {};
}

} // namespace

class TestOverlayMount : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void newApiRoundTrip_data()
    {
        QTest::addColumn<int>("lowers");
        QTest::addColumn<int>("data");
        QTest::addColumn<bool>("upper");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("2 lowers + upper") << 2 << 0 << true << QStringList();
        // Options the kernel shows only when they differ from its defaults: these do
        // on this kernel's configuration (redirect_dir defaults to follow or on).
        QTest::newRow("12 lowers + upper")
            << 12 << 0 << true << QStringList {"redirect_dir=nofollow", "default_permissions"};
        QTest::newRow("2 lowers read-only") << 2 << 0 << false << QStringList();
        // The kernel accepts data-only layers without metacopy=on (6.18, as root);
        // a metacopy file in a lower then needs redirect_dir, which it turns on itself.
        QTest::newRow("data-only layers") << 1 << 2 << false << QStringList();
        QTest::newRow("data-only, metacopy, upper") << 2 << 3 << true << QStringList {"metacopy=on", "redirect_dir=on"};
    }

    void newApiRoundTrip()
    {
        QFETCH(int, lowers);
        QFETCH(int, data);
        QFETCH(bool, upper);
        QFETCH(QStringList, options);
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, lowers, data, upper);
        for (const auto &o : options) {
            const auto kv = o.split('=');
            spec.others.push_back(
                {kv[0].toStdString(), kv.size() > 1 ? std::optional(kv[1].toStdString()) : std::nullopt});
        }
        const std::string target = dir / ("m" + kNasty);
        QVERIFY(makeDir(target));

        const auto mounted = mountOverlay(spec, target);
        QVERIFY2(mounted.has_value(), mounted ? "" : mounted.error().message().c_str());

        const char *failure = nullptr;
        const OverlayOptions back = readBack(target, &failure);
        QVERIFY2(!failure, failure);
        QCOMPARE(back.lowerSyntax, LowerSyntax::PerLayer);
        const std::string diff = layerDiff(back, spec);
        QVERIFY2(diff.empty(), diff.c_str());
        for (const auto &o : spec.others) {
            QVERIFY2(back.has(o.key), o.key.c_str());
            QCOMPARE(back.value(o.key), o.value);
        }
        // The union is live: every regular lower's file is visible, no data layer's.
        for (int i = 0; i < lowers; ++i)
            QVERIFY2(exists(target + "/f" + std::to_string(i)), "a lower's file is missing in the union");

        QVERIFY(unmount(target).has_value());
        QVERIFY(!findMount(target).has_value());
    }

    void legacyRoundTrip()
    {
        TempDir dir("strata-ovl");
        const OverlayOptions spec = makeStack(dir, 3, 1, true);
        const std::string target = dir / "m";
        QVERIFY(makeDir(target));
        const auto mounted = mountOverlayLegacy(spec, target);
        QVERIFY2(mounted.has_value(), mounted ? "" : mounted.error().message().c_str());

        const auto entry = findMount(target);
        QVERIFY(entry.has_value());
        QVERIFY(entry->fsOptions.find(",lowerdir=") != std::string::npos);
        const char *failure = nullptr;
        const OverlayOptions back = readBack(target, &failure);
        QVERIFY2(!failure, failure);
        QCOMPARE(back.lowerSyntax, LowerSyntax::Legacy);
        const std::string diff = layerDiff(back, spec);
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(unmount(target).has_value());
    }

    void unionMountListed()
    {
        TempDir dir("strata-ovl");
        const OverlayOptions spec = makeStack(dir, 2, 0, false);
        const std::string target = dir / "m";
        QVERIFY(makeDir(target));
        QVERIFY(mountOverlay(spec, target).has_value());
        const auto unions = readUnionMounts();
        QVERIFY(unions.has_value());
        bool found = false;
        for (const auto &m : *unions)
            found = found || m.target == target;
        QVERIFY(found);
        QVERIFY(unmount(target).has_value());
    }

    void kernelMessageInError()
    {
        // A file as a layer: the kernel says so itself through the fs_context.
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 1, 0, false);
        spec.lowers.push_back(dir / "file");
        QVERIFY(touch(spec.lowers.back()));
        QVERIFY(makeDir(dir / "m"));
        const auto r = mountOverlay(spec, dir / "m");
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, EINVAL);
        QVERIFY2(r.error().reason.find("e overlay: " + spec.lowers.back() + " is not a directory") != std::string::npos,
                 r.error().reason.c_str());
        QCOMPARE(r.error().subject, spec.lowers.back());
    }

    void lowerInsideUpperRefused()
    {
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 2, 0, true);
        spec.lowers[1] = *spec.upper + "/low";
        QVERIFY(makeDir(spec.lowers[1]));
        QVERIFY(makeDir(dir / "m"));
        const auto r = mountOverlay(spec, dir / "m");
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ELOOP);
        // The kernel logs this one to dmesg only; the preflight names the cause.
        QVERIFY2(r.error().reason.find("lies inside upperdir") != std::string::npos, r.error().reason.c_str());
    }

    void upperInsideLowerAccepted()
    {
        // The kernel checks the upper's ancestors only for other overlays' use, not
        // for lower layers: it mounts, and writes through the overlay change the lower.
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 2, 0, true);
        spec.upper = spec.lowers[0] + "/up";
        QVERIFY(makeDir(*spec.upper));
        QVERIFY(makeDir(dir / "m"));
        const auto findings = checkLayers(spec);
        QVERIFY(!hasErrors(findings));
        bool warned = false;
        for (const auto &f : findings)
            warned = warned || (f.role == LayerRole::Upper && f.severity == Severity::Warning);
        QVERIFY(warned);
        const auto r = mountOverlay(spec, dir / "m");
        QVERIFY2(r.has_value(), r ? "" : r.error().message().c_str());
        QVERIFY(unmount(dir / "m").has_value());
    }

    void missingWorkdirRefused()
    {
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 2, 0, true);
        spec.work = dir / "no-such-work";
        QVERIFY(makeDir(dir / "m"));
        const auto r = mountOverlay(spec, dir / "m");
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ENOENT);
        QCOMPARE(r.error().subject, *spec.work);
        QVERIFY2(r.error().reason.find("refused workdir") != std::string::npos, r.error().reason.c_str());
        QVERIFY2(r.error().reason.find("does not exist") != std::string::npos, r.error().reason.c_str());
    }

    void readOnlyUpperRefused()
    {
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 1, 0, false);
        QVERIFY(makeDir(dir / "ro"));
        QVERIFY(::mount("tmpfs", (dir / "ro").c_str(), "tmpfs", MS_RDONLY, nullptr) == 0);
        spec.upper = dir / "ro";
        spec.work = dir / "ro";
        QVERIFY(makeDir(dir / "m"));
        const auto r = mountOverlay(spec, dir / "m");
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().reason.find("is read-only") != std::string::npos, r.error().reason.c_str());
        const auto findings = checkLayers(spec);
        QVERIFY(hasErrors(findings));
    }

    void lazyUnmount()
    {
        TempDir dir("strata-ovl");
        const OverlayOptions spec = makeStack(dir, 2, 0, false);
        const std::string target = dir / "m";
        QVERIFY(makeDir(target));
        QVERIFY(mountOverlay(spec, target).has_value());
        const int busy = ::open((target + "/f0").c_str(), O_RDONLY | O_CLOEXEC);
        QVERIFY(busy >= 0);
        const auto plain = unmount(target);
        QVERIFY(!plain.has_value());
        QCOMPARE(plain.error().code, EBUSY);
        QVERIFY(unmount(target, true).has_value());
        QVERIFY(!findMount(target).has_value());
        ::close(busy);
    }

    // The preflight predicts the kernel: for each stack, "has an Error finding" must
    // equal "the kernel refused the mount", and both must match what overlayfs
    // documents for the case.
    void preflightAgreesWithKernel_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<bool>("refused");
        const std::pair<const char *, bool> cases[] = {
            {"clean", false},
            {"same lower twice", true},
            {"lower inside lower", true},
            {"upper inside lower", false},
            {"lower inside work", true},
            {"data inside lower", true},
            {"same dir lower and work", true},
            {"lower inside upper", true},
            {"work inside upper", true},
            {"upper inside work", true},
            {"work inside lower", false},
            {"work on another mount", true},
            {"upper read-only", true},
            {"missing lower", true},
            {"file as lower", true},
            {"upper without work", true},
            {"volatile marker", true},
            {"upper on overlay", true},
        };
        for (const auto &[name, refused] : cases)
            QTest::newRow(name) << QString::fromLatin1(name) << refused;
    }

    void preflightAgreesWithKernel()
    {
        QFETCH(QString, scenario);
        QFETCH(bool, refused);
        TempDir dir("strata-ovl");
        OverlayOptions spec = makeStack(dir, 2, 0, true);
        const std::string &l0 = spec.lowers[0];
        QVERIFY(makeDir(dir / "m"));
        QVERIFY(makeDir(dir / "aux"));

        if (scenario == "same lower twice") {
            spec.lowers[1] = l0;
        } else if (scenario == "lower inside lower") {
            spec.lowers[1] = l0 + "/sub";
            QVERIFY(makeDir(spec.lowers[1]));
        } else if (scenario == "upper inside lower") {
            spec.upper = l0 + "/up";
            QVERIFY(makeDir(*spec.upper));
        } else if (scenario == "lower inside work") {
            spec.lowers[1] = *spec.work + "/low";
            QVERIFY(makeDir(spec.lowers[1]));
        } else if (scenario == "data inside lower") {
            spec.dataLayers = {l0 + "/data"};
            QVERIFY(makeDir(spec.dataLayers[0]));
        } else if (scenario == "same dir lower and work") {
            spec.work = spec.lowers[1];
        } else if (scenario == "lower inside upper") {
            spec.lowers[1] = *spec.upper + "/low";
            QVERIFY(makeDir(spec.lowers[1]));
        } else if (scenario == "work inside upper") {
            spec.work = *spec.upper + "/work";
            QVERIFY(makeDir(*spec.work));
        } else if (scenario == "upper inside work") {
            spec.upper = *spec.work + "/up";
            QVERIFY(makeDir(*spec.upper));
        } else if (scenario == "work inside lower") {
            spec.work = l0 + "/work";
            QVERIFY(makeDir(*spec.work));
        } else if (scenario == "work on another mount") {
            QVERIFY(::mount("tmpfs", (dir / "aux").c_str(), "tmpfs", 0, nullptr) == 0);
            spec.work = dir / "aux";
        } else if (scenario == "upper read-only") {
            QVERIFY(::mount("tmpfs", (dir / "aux").c_str(), "tmpfs", MS_RDONLY, nullptr) == 0);
            spec.upper = dir / "aux";
        } else if (scenario == "missing lower") {
            spec.lowers[1] = dir / "missing";
        } else if (scenario == "file as lower") {
            spec.lowers[1] = dir / "file";
            QVERIFY(touch(spec.lowers[1]));
        } else if (scenario == "upper without work") {
            spec.work.reset();
        } else if (scenario == "volatile marker") {
            QVERIFY(makeDir(*spec.work + "/work") && makeDir(*spec.work + "/work/incompat")
                    && makeDir(*spec.work + "/work/incompat/volatile"));
        } else if (scenario == "upper on overlay") {
            OverlayOptions below = makeStack(dir, 0, 0, false);
            below.lowers = {dir / "aux"};
            below.upper = dir / "bu";
            below.work = dir / "bw";
            QVERIFY(makeDir(*below.upper) && makeDir(*below.work) && makeDir(dir / "bm"));
            QVERIFY(mountOverlay(below, dir / "bm").has_value());
            spec.upper = dir / "bm/up";
            spec.work = dir / "bm/work";
            QVERIFY(makeDir(*spec.upper) && makeDir(*spec.work));
        }

        const auto findings = checkLayers(spec);
        std::string said;
        for (const auto &f : findings)
            said += f.describe() + "\n";
        const auto mounted = mountOverlay(spec, dir / "m");
        const std::string kernel = mounted ? "mounted" : mounted.error().message();
        QVERIFY2(hasErrors(findings) == !mounted.has_value(), ("preflight: " + said + "kernel: " + kernel).c_str());
        QVERIFY2(!mounted.has_value() == refused, kernel.c_str());
        if (mounted)
            QVERIFY(unmount(dir / "m").has_value());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestOverlayMount, strata::test::requireKernelOverlay)
#include "test_overlaymount.moc"
