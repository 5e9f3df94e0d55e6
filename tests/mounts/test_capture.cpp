// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: capture and restore of real kernel overlays. A Docker-like layout
// (l/ short links given as relative paths, 130 layers whose real paths joined exceed
// 4 KiB) captured, unmounted and restored by fd with an identical view; an ext4 image
// on a loop device mounted elsewhere after the capture, every layer then found by
// handle; bad capture files refused with one error naming the mount and the layer,
// and nothing mounted.
#include "../stack/stackrecipe.h"
#include "loopext4.h"
#include "mounts/capture.h"
#include "mounts/capturefile.h"
#include "mounts/mounttable.h"
#include "mounts/overlaymount.h"
#include "mounts/restore.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "watch/mountverify.h"

#include <QTest>

#include <fcntl.h>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::mounts;
using strata::test::TempDir;

namespace {

bool writeFile(const std::string &p, const std::string &text)
{
    std::ofstream o(p, std::ios::binary | std::ios::trunc);
    o << text;
    return bool(o);
}

std::string readFile(const std::string &p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string hexId(int i, size_t len)
{
    std::string s = std::to_string(i * 7919 + 13);
    std::string out;
    while (out.size() < len)
        out += s;
    out.resize(len);
    return out;
}

bool isOverlayAt(const std::string &target)
{
    auto e = findMount(target);
    return e && e->fstype == "overlay";
}

// A Docker overlay2 graph root: <id>/diff per layer, l/<26 chars> -> ../<id>/diff.
struct DockerLayout {
    std::string graph;
    std::vector<std::string> shortLinks; // "l/XXXX", top first
    std::vector<std::string> diffs; // real paths, top first
    std::string upper, work;
};

DockerLayout makeDocker(const std::string &graph, int layers, size_t idLength)
{
    DockerLayout d;
    d.graph = graph;
    ::mkdir(graph.c_str(), 0755);
    ::mkdir((graph + "/l").c_str(), 0755);
    for (int i = layers - 1; i >= 0; --i) {
        // Long layer ids (as Docker's 64 hex chars, plus a long tail) so that the
        // joined real paths are far beyond a page.
        const std::string id = hexId(i, idLength) + "-layer-" + std::to_string(i);
        const std::string dir = graph + "/" + id;
        ::mkdir(dir.c_str(), 0755);
        ::mkdir((dir + "/diff").c_str(), 0755);
        writeFile(dir + "/diff/f" + std::to_string(i), "layer " + std::to_string(i) + "\n");
        writeFile(dir + "/diff/common", "from layer " + std::to_string(i) + "\n");
        const std::string link = "l/" + hexId(i + 1000, 26);
        ::symlink(("../" + id + "/diff").c_str(), (graph + "/" + link).c_str());
        d.shortLinks.insert(d.shortLinks.begin(), link);
        d.diffs.insert(d.diffs.begin(), dir + "/diff");
    }
    const std::string rw = graph + "/" + hexId(99999, 64);
    ::mkdir(rw.c_str(), 0755);
    d.upper = rw + "/diff";
    d.work = rw + "/work";
    ::mkdir(d.upper.c_str(), 0755);
    ::mkdir(d.work.c_str(), 0755);
    return d;
}

// Mounts with relative lowerdir+ strings, as Docker's chdir()ed mount does.
Result<MountReport> mountRelative(const DockerLayout &d, const std::string &target, std::vector<OverlayOption> others)
{
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd) || ::chdir(d.graph.c_str()) != 0)
        return fail(makeError(d.graph, "chdir failed", errno));
    OverlayOptions o;
    o.lowers = d.shortLinks;
    o.upper = d.upper;
    o.work = d.work;
    o.others = std::move(others);
    auto r = mountOverlay(o, target);
    if (::chdir(cwd) != 0)
        return fail(makeError(cwd, "chdir back failed", errno));
    return r;
}

// The restored mount against its layers' merged view, as `stratactl verify` and
// restore compare them.
Result<watch::VerifySummary> verifyView(const std::string &mp)
{
    auto stack = stack::LayerStack::fromMount(mp);
    if (!stack)
        return fail(stack.error());
    return watch::verifyMount(mp, *stack, [](const watch::Discrepancy &) { });
}

test::View viewOf(const std::string &mp)
{
    std::string err;
    auto v = test::kernelView(mp, err);
    if (!err.empty())
        v["ERROR"] = err;
    return v;
}

std::string joinedLength(const CapturedMount &m, size_t &total)
{
    total = 0;
    for (const auto &l : m.layers)
        total += l.resolvedPath.size() + 1;
    return std::to_string(total);
}

} // namespace

class TestCapture : public QObject {
    Q_OBJECT
private slots:
    void dockerLayoutRestoresByFd_data();
    void dockerLayoutRestoresByFd();
    void layersFoundByHandleAfterRemount();
    void badCaptureFilesMountNothing();
};

void TestCapture::dockerLayoutRestoresByFd_data()
{
    QTest::addColumn<int>("layers");
    QTest::addColumn<int>("idLength");
    // Docker's limit, with its 64-character layer ids.
    QTest::newRow("docker-130") << 130 << 64;
    // The kernel's limit (OVL_MAX_STACK), every real path longer than the 255 bytes
    // fsconfig takes as a string: only passing the layers by fd can restore it.
    QTest::newRow("max-500-long") << 500 << 240;
}

void TestCapture::dockerLayoutRestoresByFd()
{
    QFETCH(int, layers);
    QFETCH(int, idLength);
    TempDir tmp("strata-capture");
    const auto d = makeDocker(tmp / "overlay2", layers, size_t(idLength));
    const std::string merged = tmp / "merged";
    ::mkdir(merged.c_str(), 0755);
    auto m = mountRelative(d, merged, {{"index", "off"}, {"redirect_dir", "on"}});
    QVERIFY2(m, m ? "" : m.error().message().c_str());
    // Writes through the mount: a copy-up and a new file in the upper.
    QVERIFY(writeFile(merged + "/common", "changed\n"));
    QVERIFY(writeFile(merged + "/new", "new\n"));
    auto entry = findMount(merged);
    QVERIFY(entry);
    QVERIFY2(entry->fsOptions.find("lowerdir+=l/") != std::string::npos, entry->fsOptions.c_str());
    const auto before = viewOf(merged);
    QCOMPARE(readFile(merged + "/common"), std::string("changed\n"));

    const std::vector<std::string> which {merged};
    auto cap = captureMounts(which);
    QVERIFY2(cap, cap ? "" : cap.error().message().c_str());
    QCOMPARE(cap->mounts.size(), size_t(1));
    const CapturedMount &cm = cap->mounts.front();
    QCOMPARE(cm.layersOf(CapturedRole::Lower).size(), size_t(layers));
    if (idLength > 200)
        for (const auto *l : cm.layersOf(CapturedRole::Lower))
            QVERIFY2(l->resolvedPath.size() > 255, l->resolvedPath.c_str());
    for (size_t i = 0; i < d.diffs.size(); ++i) {
        QCOMPARE(cm.layers[i].path, d.shortLinks[i]);
        char *real = ::realpath(d.diffs[i].c_str(), nullptr);
        QCOMPARE(cm.layers[i].resolvedPath, std::string(real));
        std::free(real);
        QVERIFY(!cm.layers[i].id.handle.empty());
    }
    size_t total = 0;
    joinedLength(cm, total);
    QVERIFY2(total > 4096 * 3, std::to_string(total).c_str());

    const std::string file = tmp / "capture.json";
    QVERIFY(writeCaptureFile(file, *cap));
    QVERIFY(unmount(merged));
    QVERIFY(!isOverlayAt(merged));

    auto back = readCaptureFile(file);
    QVERIFY2(back, back ? "" : back.error().message().c_str());
    auto table = readMountTable();
    QVERIFY(table);
    auto plan = planMount(back->mounts.front(), *table);
    QVERIFY2(plan.ready(), plan.problem() ? plan.problem()->message().c_str() : "");
    for (const auto &f : plan.layers)
        QCOMPARE(f.verdict, LayerVerdict::AtPath);
    auto restored = mountPlanned(plan);
    QVERIFY2(restored, restored ? "" : restored.error().message().c_str());
    auto checked = checkRestored(back->mounts.front(), merged);
    QVERIFY2(checked, checked ? "" : checked.error().message().c_str());
    const auto after = viewOf(merged);
    QCOMPARE(after.size(), before.size());
    QVERIFY(after == before);
    auto view = verifyView(merged);
    QVERIFY2(view, view ? "" : view.error().message().c_str());
    QCOMPARE(view->discrepancies, size_t(0));
    QVERIFY(view->entries > size_t(layers));

    // The second checkpoint: the same identities (the paths are now the real ones).
    auto again = captureMounts(which);
    QVERIFY2(again, again ? "" : again.error().message().c_str());
    const CapturedMount &cm2 = again->mounts.front();
    QCOMPARE(cm2.layers.size(), cm.layers.size());
    for (size_t i = 0; i < cm.layers.size(); ++i) {
        QVERIFY2(cm2.layers[i].id.sameDirAs(cm.layers[i].id), cm.describeLayer(i).c_str());
        QCOMPARE(cm2.layers[i].resolvedPath, cm.layers[i].resolvedPath);
    }
    QVERIFY(unmount(merged));
}

void TestCapture::layersFoundByHandleAfterRemount()
{
    TempDir tmp("strata-capture");
    test::LoopExt4 disk(tmp / "disk.img");
    if (!disk.ok())
        QSKIP(("no loop device: " + disk.error()).c_str());
    QVERIFY2(disk.mountAt(tmp / "a"), disk.error().c_str());
    const std::string a = tmp / "a";
    for (const char *dir : {"/l1", "/l2", "/u", "/w"})
        QVERIFY(::mkdir((a + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(a + "/l1/top", "top\n"));
    QVERIFY(writeFile(a + "/l2/bottom", "bottom\n"));
    QVERIFY(::mkdir((a + "/l2/dir").c_str(), 0755) == 0);
    QVERIFY(writeFile(a + "/l2/dir/inner", "inner\n"));
    const std::string merged = tmp / "merged";
    ::mkdir(merged.c_str(), 0755);
    OverlayOptions o;
    o.lowers = {a + "/l1", a + "/l2"};
    o.upper = a + "/u";
    o.work = a + "/w";
    o.others = {{"index", "on"}, {"redirect_dir", "on"}};
    auto m = mountOverlay(o, merged);
    QVERIFY2(m, m ? "" : m.error().message().c_str());
    QVERIFY(writeFile(merged + "/dir/inner", "changed\n"));
    QVERIFY(::rename((merged + "/dir").c_str(), (merged + "/moved").c_str()) == 0);
    const auto before = viewOf(merged);
    const std::vector<std::string> which {merged};
    auto cap = captureMounts(which);
    QVERIFY2(cap, cap ? "" : cap.error().message().c_str());
    QVERIFY(cap->mounts.front().upper && cap->mounts.front().upper->index);
    QVERIFY(cap->mounts.front().upper->rootOrigin.has_value());
    QVERIFY(cap->mounts.front().layers.front().id.fsUuid.has_value());
    QVERIFY(unmount(merged));
    QVERIFY2(disk.unmount(), disk.error().c_str());
    QVERIFY2(disk.mountAt(tmp / "b"), disk.error().c_str());

    auto table = readMountTable();
    QVERIFY(table);
    auto plan = planMount(cap->mounts.front(), *table);
    QVERIFY2(plan.ready(), plan.problem() ? plan.problem()->message().c_str() : "");
    for (const auto &f : plan.layers) {
        QCOMPARE(f.verdict, LayerVerdict::ByHandle);
        QVERIFY2(f.foundPath.starts_with(tmp / "b/"), f.foundPath.c_str());
    }
    auto restored = mountPlanned(plan);
    QVERIFY2(restored, restored ? "" : restored.error().message().c_str());
    auto checked = checkRestored(cap->mounts.front(), merged);
    QVERIFY2(checked, checked ? "" : checked.error().message().c_str());
    QVERIFY(viewOf(merged) == before);
    auto view = verifyView(merged);
    QVERIFY2(view && view->discrepancies == 0, view ? "discrepancies" : view.error().message().c_str());
    QVERIFY(unmount(merged));
}

void TestCapture::badCaptureFilesMountNothing()
{
    TempDir tmp("strata-capture");
    const std::string base = tmp.path();
    for (const char *dir : {"/l1", "/l2", "/l3", "/u", "/w", "/elsewhere"})
        QVERIFY(::mkdir((base + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(base + "/l2/x", "x\n"));
    const std::string merged = tmp / "merged";
    ::mkdir(merged.c_str(), 0755);
    OverlayOptions o;
    o.lowers = {base + "/l1", base + "/l2", base + "/l3"};
    o.upper = base + "/u";
    o.work = base + "/w";
    QVERIFY(mountOverlay(o, merged));
    const std::vector<std::string> which {merged};
    auto cap = captureMounts(which);
    QVERIFY2(cap, cap ? "" : cap.error().message().c_str());
    QVERIFY(unmount(merged));
    const std::string good = captureToJson(*cap);

    // Damaged files: one error naming the file (and where in it).
    auto truncated = captureFromJson(good.substr(0, good.size() / 2), "cap.json");
    QVERIFY(!truncated);
    QVERIFY2(truncated.error().message().find("cap.json") != std::string::npos, truncated.error().message().c_str());
    std::string v2 = good;
    v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 7");
    auto unknown = captureFromJson(v2, "cap.json");
    QVERIFY(!unknown);
    QVERIFY2(unknown.error().message().find("version 7") != std::string::npos, unknown.error().message().c_str());
    std::string noHandle = good;
    noHandle.replace(noHandle.find("\"hex\""), 5, "\"hax\"");
    auto missing = captureFromJson(noHandle, "cap.json");
    QVERIFY(!missing);
    QVERIFY2(missing.error().message().find(merged) != std::string::npos
                 && missing.error().message().find("layer 0") != std::string::npos,
             missing.error().message().c_str());

    auto planFor = [&](const Capture &c) {
        auto table = readMountTable();
        return planMount(c.mounts.front(), *table);
    };
    auto expectRefused = [&](const Capture &c, const std::string &layerWords, const std::string &why) {
        const auto plan = planFor(c);
        QVERIFY(!plan.ready());
        const auto problem = plan.problem();
        QVERIFY(problem.has_value());
        const std::string msg = problem->message();
        QVERIFY2(msg.find(merged) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(layerWords) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(why) != std::string::npos, msg.c_str());
        QVERIFY(!mountPlanned(plan));
        QVERIFY(!isOverlayAt(merged));
    };

    // A handle of another filesystem: layer 2's record keeps its filesystem's uuid
    // but carries the handle of a directory on a tmpfs mounted for the purpose.
    {
        const std::string other = tmp / "otherfs";
        QVERIFY(::mkdir(other.c_str(), 0755) == 0);
        QVERIFY(::mount("tmpfs", other.c_str(), "tmpfs", 0, nullptr) == 0);
        QVERIFY(::mkdir((other + "/d").c_str(), 0755) == 0);
        auto table = readMountTable();
        QVERIFY(table);
        UniqueFd fd(::open((other + "/d").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        auto foreign = identifyDir(fd.get(), *table);
        QVERIFY2(foreign, foreign ? "" : foreign.error().message().c_str());
        Capture c = *cap;
        c.mounts.front().layers[1].id.handle = foreign->handle;
        c.mounts.front().layers[1].id.handleType = foreign->handleType;
        expectRefused(c, "lower 2", "handle");
        fd.reset();
        QVERIFY(::umount2(other.c_str(), 0) == 0);
    }
    // A layer that no longer exists.
    QVERIFY(::rename((base + "/l3").c_str(), (base + "/l3-gone").c_str()) == 0);
    QVERIFY(::rmdir((base + "/l3-gone").c_str()) == 0);
    expectRefused(*cap, "lower 3", "not there");
    // A layer path that is now a symlink to elsewhere (the directory itself gone).
    QVERIFY(::rename((base + "/l2").c_str(), (base + "/l2-old").c_str()) == 0);
    QVERIFY(::unlink((base + "/l2-old/x").c_str()) == 0);
    QVERIFY(::rmdir((base + "/l2-old").c_str()) == 0);
    QVERIFY(::symlink((base + "/elsewhere").c_str(), (base + "/l2").c_str()) == 0);
    expectRefused(*cap, "lower 2", "symlink");
}

STRATA_TEST_MAIN_REQUIRES(TestCapture, strata::test::requireKernelOverlay)

#include "test_capture.moc"
