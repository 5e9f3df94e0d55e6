// SPDX-License-Identifier: GPL-2.0-or-later
// Preflight checks that need no mount and no privileges: what is missing, misplaced
// or over the kernel's limits is reported per layer with a reason.
#include "kerneloverlay.h"
#include "mounts/preflight.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::test::TempDir;

namespace {

std::string dirIn(const TempDir &t, const std::string &name)
{
    const std::string p = t / name;
    ::mkdir(p.c_str(), 0755);
    return p;
}

// The findings of one role and severity; they point into `all`, which must outlive them.
std::vector<const LayerFinding *> select(const std::vector<LayerFinding> &all, LayerRole role, Severity s)
{
    std::vector<const LayerFinding *> out;
    for (const auto &f : all)
        if (f.role == role && f.severity == s)
            out.push_back(&f);
    return out;
}

} // namespace

class TestPreflight : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanStackHasNoErrors()
    {
        TempDir t;
        OverlayOptions o;
        o.lowers = {dirIn(t, "l1"), dirIn(t, "l2")};
        o.upper = dirIn(t, "u");
        o.work = dirIn(t, "w");
        const auto findings = checkLayers(o);
        std::string said;
        for (const auto &f : findings)
            said += f.describe() + "; ";
        QVERIFY2(!hasErrors(findings), said.c_str());
    }

    void missingAndNotADirectory()
    {
        TempDir t;
        OverlayOptions o;
        const std::string file = t / "file";
        QVERIFY(::close(::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0);
        o.lowers = {dirIn(t, "l1"), t / "missing", file};
        const auto findings = checkLayers(o);
        const auto errors = select(findings, LayerRole::Lower, Severity::Error);
        QCOMPARE(errors.size(), size_t(2));
        QCOMPARE(errors[0]->index, size_t(1));
        QCOMPARE(errors[0]->layer, t / "missing");
        QCOMPARE(errors[0]->reason, std::string("does not exist"));
        QCOMPARE(errors[1]->index, size_t(2));
        QCOMPARE(errors[1]->reason, std::string("is not a directory"));
        QVERIFY(errors[1]->describe().starts_with("lowerdir 3 "));
    }

    void stackLevelRules()
    {
        TempDir t;
        OverlayOptions none;
        QVERIFY(hasErrors(checkLayers(none)));

        OverlayOptions dataOnly;
        dataOnly.dataLayers = {dirIn(t, "d")};
        const auto dataFindings = checkLayers(dataOnly);
        const auto d = select(dataFindings, LayerRole::Stack, Severity::Error);
        QCOMPARE(d.size(), size_t(1));
        QVERIFY(d[0]->reason.find("regular lower layer") != std::string::npos);

        OverlayOptions many;
        const std::string l = dirIn(t, "l");
        many.lowers.assign(501, l);
        bool limit = false;
        const auto manyFindings = checkLayers(many);
        for (const auto *f : select(manyFindings, LayerRole::Stack, Severity::Error))
            limit = limit || f->reason.find("limit is 500") != std::string::npos;
        QVERIFY(limit);

        OverlayOptions noWork;
        noWork.lowers = {l};
        noWork.upper = dirIn(t, "u");
        const auto noWorkFindings = checkLayers(noWork);
        const auto noWorkErrors = select(noWorkFindings, LayerRole::Upper, Severity::Error);
        QCOMPARE(noWorkErrors.size(), size_t(1));
        QVERIFY(!noWorkErrors[0]->engineAccepts); // strata-fuse needs a workdir too

        OverlayOptions workOnly;
        workOnly.lowers = {l, dirIn(t, "l2")};
        workOnly.work = dirIn(t, "w");
        const auto w = checkLayers(workOnly);
        QVERIFY(!hasErrors(w));
        QCOMPARE(select(w, LayerRole::Work, Severity::Warning).size(), size_t(1));

        OverlayOptions badOption;
        badOption.lowers = {l};
        badOption.others = {{"redirect_dir", "sideways"}, {"index", std::nullopt}, {"exec", std::nullopt}};
        QCOMPARE(select(checkLayers(badOption), LayerRole::Stack, Severity::Error).size(), size_t(3));
    }

    // An overlay as upper: the kernel refuses it, strata-fuse takes it; the finding
    // says so, and the GUI's verdict column reads that, never the filesystem again.
    void overlayUpperIsTheEnginesToTake()
    {
        if (const std::string why = strata::test::requireKernelOverlay(); !why.empty())
            QSKIP(why.c_str());
        TempDir t;
        strata::test::KernelOverlay ovl(dirIn(t, "m"), {dirIn(t, "ol")}, dirIn(t, "ou"), dirIn(t, "ow"));
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        OverlayOptions o;
        o.lowers = {dirIn(t, "l1")};
        o.upper = ovl / "u";
        o.work = ovl / "w";
        QVERIFY(::mkdir(o.upper->c_str(), 0755) == 0 && ::mkdir(o.work->c_str(), 0755) == 0);
        const auto findings = checkLayers(o);
        bool onOverlay = false;
        for (const auto &f : findings) {
            const bool thisOne = f.role == LayerRole::Upper && f.reason.starts_with("is on an overlay");
            onOverlay = onOverlay || thisOne;
            QCOMPARE(f.engineAccepts, thisOne);
        }
        QVERIFY(onOverlay);
    }

    void overlapsNamed()
    {
        TempDir t;
        OverlayOptions o;
        o.lowers = {dirIn(t, "l1"), dirIn(t, "l1/inner")};
        o.upper = dirIn(t, "u");
        o.work = dirIn(t, "u/w");
        const auto findings = checkLayers(o);
        const auto lower = select(findings, LayerRole::Lower, Severity::Error);
        QCOMPARE(lower.size(), size_t(1));
        QCOMPARE(lower[0]->index, size_t(1));
        QVERIFY(lower[0]->reason.find("lies inside lowerdir 1") != std::string::npos);
        const auto work = select(findings, LayerRole::Work, Severity::Error);
        QCOMPARE(work.size(), size_t(1));
        QVERIFY(work[0]->reason.find("separate subtrees") != std::string::npos);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestPreflight, strata::test::requireNothing)
#include "test_preflight.moc"
