// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier, the real stratactl: capture → restore (--dry-run, --json) of a kernel
// overlay; and the filesystem uuid change end to end: an index=on overlay written
// through a real kernel mount on an ext4 loop device, `tune2fs -U random`, the
// kernel's mount failing with ESTALE, `inspect` explaining it, `restamp` (killed
// midway then finished; killed then rolled back to the same bytes), and a real
// index=on mount that then works with the same view and origins.
#include "clirunner.h"
#include "loopext4.h"
#include "mounts/mounttable.h"
#include "mounts/overlaymount.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/hex.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

bool writeFile(const std::string &p, const std::string &text, bool append = false)
{
    std::ofstream o(p, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    o << text;
    return bool(o);
}

bool isOverlayAt(const std::string &target)
{
    auto e = mounts::findMount(target);
    return e && e->fstype == "overlay";
}

// Every name below `root` with its type, mode, size, content, link target and every
// xattr (name and value bytes): what "byte-identical" compares.
void dump(const std::string &root, const std::string &rel, std::map<std::string, std::string> &out)
{
    const std::string dir = rel.empty() ? root : root + "/" + rel;
    DIR *d = ::opendir(dir.c_str());
    if (!d)
        return;
    std::vector<std::string> names;
    while (dirent *e = ::readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
            names.push_back(e->d_name);
    ::closedir(d);
    for (const auto &n : names) {
        const std::string r = rel.empty() ? n : rel + "/" + n;
        const std::string p = root + "/" + r;
        struct stat st {};
        ::lstat(p.c_str(), &st);
        std::string facts = std::to_string(st.st_mode) + " " + std::to_string(st.st_size);
        if (S_ISREG(st.st_mode))
            facts += " " + readText(p);
        char names2[4096];
        const ssize_t len = ::llistxattr(p.c_str(), names2, sizeof names2);
        for (ssize_t i = 0; i < len;) {
            const std::string x(names2 + i);
            i += static_cast<ssize_t>(x.size()) + 1;
            char value[512];
            const ssize_t vl = ::lgetxattr(p.c_str(), x.c_str(), value, sizeof value);
            facts
                += " " + x + "=" + toHex({reinterpret_cast<const uint8_t *>(value), size_t(std::max<ssize_t>(vl, 0))});
        }
        out[r] = facts;
        if (S_ISDIR(st.st_mode))
            dump(root, r, out);
    }
}

std::map<std::string, std::string> dumpStack(const std::string &base)
{
    std::map<std::string, std::string> out;
    dump(base + "/u", "", out);
    std::map<std::string, std::string> work;
    dump(base + "/w", "", work);
    for (auto &[k, v] : work)
        if (!k.starts_with("work")) // work/ is the kernel's scratch, emptied at every mount
            out["WORK/" + k] = v;
    return out;
}

std::map<std::string, std::string> viewOf(const std::string &mp)
{
    std::map<std::string, std::string> out;
    dump(mp, "", out);
    // The merged view hides overlay xattrs; drop inode-specific facts: keep as is.
    return out;
}

// Per mount point, per layer (role, index): the identity a capture recorded (the
// filesystem's uuid or device, handle type and bytes); what must survive a restore.
std::map<QString, QStringList> identities(const QJsonObject &capture)
{
    std::map<QString, QStringList> out;
    for (const auto &m : capture["mounts"].toArray()) {
        QStringList ids;
        for (const auto &l : m.toObject()["layers"].toArray()) {
            const QJsonObject layer = l.toObject(), fs = layer["fs"].toObject(), h = layer["handle"].toObject();
            ids << layer["role"].toString() + " " + fs["type"].toString() + " "
                    + (fs["uuid"].isString() ? fs["uuid"].toString() : fs["device"].toVariant().toString()) + " "
                    + QString::number(h["type"].toInt()) + ":" + h["hex"].toString();
        }
        out[m.toObject()["mountpoint"].toString()] = ids;
    }
    return out;
}

// The stack on an ext4 loop device at <tmp>/a: lowers l1 (top), l2; upper u, work w.
struct UuidStack {
    std::string base, merged;
    QStringList layerArgs() const
    {
        return {"--lower", qpath(base + "/l1:" + base + "/l2"),
                "--upper", qpath(base + "/u"),
                "--work",  qpath(base + "/w"),
                "-o",      "index=on",
                "-o",      "redirect_dir=on"};
    }
    mounts::OverlayOptions options() const
    {
        mounts::OverlayOptions o;
        o.lowers = {base + "/l1", base + "/l2"};
        o.upper = base + "/u";
        o.work = base + "/w";
        o.others = {{"index", "on"}, {"redirect_dir", "on"}};
        return o;
    }
};

} // namespace

class TestCliCapture : public QObject {
    Q_OBJECT
private slots:
    void captureRestoreJson();
    void strataFuseRestoredThroughTheEngine();
    void stackedOverlaysRestoreInOrder();
    void uuidChangeEndToEnd();
};

void TestCliCapture::captureRestoreJson()
{
    TempDir tmp("strata-cli-capture");
    const std::string base = tmp.path();
    for (const char *dir : {"/l1", "/l2", "/u", "/w", "/m"})
        QVERIFY(::mkdir((base + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(base + "/l1/a", "a\n"));
    QVERIFY(writeFile(base + "/l2/b", "b\n"));
    mounts::OverlayOptions o;
    o.lowers = {base + "/l1", base + "/l2"};
    o.upper = base + "/u";
    o.work = base + "/w";
    QVERIFY(mounts::mountOverlay(o, base + "/m"));
    QVERIFY(writeFile(base + "/m/b", "changed\n"));
    const auto before = viewOf(base + "/m");
    const QString file = qpath(base + "/cap.json");

    auto cap = runCli({"capture", qpath(base + "/m"), file, "--json"});
    QVERIFY2(cap.exitCode == 0 && cap.jsonOk, cap.describe());
    const auto mounts = cap.json["capture"].toObject()["mounts"].toArray();
    QCOMPARE(mounts.size(), 1);
    QCOMPARE(mounts[0].toObject()["layers"].toArray().size(), 4);
    QCOMPARE(mounts[0].toObject()["layers"].toArray()[0].toObject()["role"].toString(), QString("lower"));
    QVERIFY(mounts::unmount(base + "/m"));

    auto dry = runCli({"restore", file, "--dry-run", "--json"});
    QVERIFY2(dry.exitCode == 0 && dry.jsonOk, dry.describe());
    for (const auto &l : dry.json["mounts"].toArray()[0].toObject()["layers"].toArray())
        QCOMPARE(l.toObject()["verdict"].toString(), QString("at_path"));
    QVERIFY(!isOverlayAt(base + "/m"));

    auto restored = runCli({"restore", file, "--json"});
    QVERIFY2(restored.exitCode == 0 && restored.jsonOk, restored.describe());
    const auto rm = restored.json["mounts"].toArray()[0].toObject();
    QVERIFY(rm["restored"].toBool());
    QCOMPARE(rm["view"].toObject()["differences"].toArray().size(), 0);
    QVERIFY(isOverlayAt(base + "/m"));
    QVERIFY(viewOf(base + "/m") == before);
    // The capture file opens as the stack of its mount.
    auto asStack = runCli({"inspect", file, "--no-summary", "--json"});
    QVERIFY2(asStack.exitCode == 0 && asStack.jsonOk, asStack.describe());
    QCOMPARE(asStack.json["stack"].toObject()["layers"].toArray().size(), 3); // upper + 2 lowers
    QCOMPARE(asStack.json["stack"].toObject()["source"].toObject()["mountpoint"].toString(), qpath(base + "/m"));
    auto twice = runCli({"restore", file});
    QCOMPARE(twice.exitCode, 1);
    QVERIFY2(twice.err.contains("already"), twice.describe());

    // A vanished layer: one error naming the mount and the layer; nothing mounted.
    QVERIFY(mounts::unmount(base + "/m"));
    QVERIFY(::unlink((base + "/l2/b").c_str()) == 0);
    QVERIFY(::rmdir((base + "/l2").c_str()) == 0);
    auto gone = runCli({"restore", file, "--json"});
    QCOMPARE(gone.exitCode, 1);
    QVERIFY2(gone.err.contains("lower 2") && gone.err.contains(qpath(base + "/m").toUtf8()), gone.describe());
    QVERIFY(gone.jsonOk);
    QCOMPARE(gone.json["complete"].toBool(), false);
    QVERIFY(!isOverlayAt(base + "/m"));
}

void TestCliCapture::strataFuseRestoredThroughTheEngine()
{
    if (const auto why = requireFuse(); !why.empty())
        QSKIP(why.c_str());
    TempDir tmp("strata-cli-fuse");
    const std::string base = tmp.path();
    for (const char *dir : {"/l1", "/l2", "/u", "/w", "/m"})
        QVERIFY(::mkdir((base + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(base + "/l1/a", "a\n"));
    QVERIFY(writeFile(base + "/l2/b", "b\n"));
    // A relative lower, as a mounter that chdir()ed would give it.
    QProcess engine;
    engine.setWorkingDirectory(QString::fromStdString(base));
    engine.start(QString::fromStdString(binaryDir() + "/strata-fuse"),
                 {"-o", qpath("lowerdir=l1:" + base + "/l2,upperdir=" + base + "/u,workdir=" + base + "/w"),
                  qpath(base + "/m")});
    QVERIFY(engine.waitForFinished(15000));
    QCOMPARE(engine.exitCode(), 0);
    QVERIFY(writeFile(base + "/m/new", "new\n"));
    const auto before = viewOf(base + "/m");
    const QString file = qpath(base + "/cap.json");
    auto cap = runCli({"capture", qpath(base + "/m"), file, "--json"});
    QVERIFY2(cap.exitCode == 0 && cap.jsonOk, cap.describe());
    const auto m = cap.json["capture"].toObject()["mounts"].toArray()[0].toObject();
    QCOMPARE(m["backend"].toString(), QString("strata-fuse"));
    QCOMPARE(m["layers"].toArray()[0].toObject()["resolved_path"].toString(), qpath(base + "/l1"));
    QVERIFY(::umount2((base + "/m").c_str(), 0) == 0);

    auto restored = runCli({"restore", file, "--json"});
    QVERIFY2(restored.exitCode == 0 && restored.jsonOk, restored.describe());
    QVERIFY(restored.json["mounts"].toArray()[0].toObject()["restored"].toBool());
    auto e = mounts::findMount(base + "/m");
    QVERIFY(e && e->fstype == "fuse.strata-fuse");
    QVERIFY(viewOf(base + "/m") == before);
    QVERIFY(::umount2((base + "/m").c_str(), 0) == 0);
}

// An overlay whose lower is another overlay's mount point: the capture records the
// dependency, restore mounts the lower overlay first, both views come back, and a
// second capture of the restored mounts records the same identities.
void TestCliCapture::stackedOverlaysRestoreInOrder()
{
    TempDir tmp("strata-cli-stacked");
    const std::string base = tmp.path();
    for (const char *dir : {"/al", "/au", "/aw", "/a", "/bl", "/bu", "/bw", "/b"})
        QVERIFY(::mkdir((base + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(base + "/al/base", "al\n"));
    QVERIFY(writeFile(base + "/bl/shared", "bl\n"));
    mounts::OverlayOptions a;
    a.lowers = {base + "/al"};
    a.upper = base + "/au";
    a.work = base + "/aw";
    QVERIFY(mounts::mountOverlay(a, base + "/a"));
    QVERIFY(writeFile(base + "/a/fromA", "written through a\n"));
    mounts::OverlayOptions b;
    b.lowers = {base + "/a", base + "/bl"};
    b.upper = base + "/bu";
    b.work = base + "/bw";
    auto mountedB = mounts::mountOverlay(b, base + "/b");
    QVERIFY2(mountedB, mountedB ? "" : mountedB.error().message().c_str());
    QVERIFY(writeFile(base + "/b/shared", "changed through b\n")); // copy-up from bl
    QVERIFY(writeFile(base + "/b/fromB", "written through b\n"));
    const auto beforeA = viewOf(base + "/a"), beforeB = viewOf(base + "/b");
    QVERIFY(beforeB.contains("base") && beforeB.contains("fromA") && beforeB.contains("fromB"));

    const QString file = qpath(base + "/cap.json");
    // Named upper first: the file holds them in dependency order whatever was asked.
    auto cap = runCli({"capture", qpath(base + "/b"), qpath(base + "/a"), file, "--json"});
    QVERIFY2(cap.exitCode == 0 && cap.jsonOk, cap.describe());
    const QJsonObject first = cap.json["capture"].toObject();
    const auto mounts = first["mounts"].toArray();
    QCOMPARE(mounts.size(), 2);
    QCOMPARE(mounts[0].toObject()["mountpoint"].toString(), qpath(base + "/a"));
    QCOMPARE(mounts[1].toObject()["mountpoint"].toString(), qpath(base + "/b"));
    QCOMPARE(mounts[1].toObject()["stacks_on"].toArray(), QJsonArray {qpath(base + "/a")});
    QCOMPARE(mounts[1].toObject()["layers"].toArray()[0].toObject()["fs"].toObject()["type"].toString(),
             QString("overlay"));

    QVERIFY(mounts::unmount(base + "/b"));
    QVERIFY(mounts::unmount(base + "/a"));
    // Before the lower overlay is back, the upper one's first layer waits for it.
    auto dry = runCli({"restore", file, "--dry-run", "--json"});
    QVERIFY2(dry.exitCode == 0 && dry.jsonOk, dry.describe());
    QCOMPARE(dry.json["mounts"].toArray()[1].toObject()["layers"].toArray()[0].toObject()["verdict"].toString(),
             QString("pending"));

    auto restored = runCli({"restore", file, "--json"});
    QVERIFY2(restored.exitCode == 0 && restored.jsonOk, restored.describe());
    const auto out = restored.json["mounts"].toArray();
    QCOMPARE(out.size(), 2);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject m = out[i].toObject();
        QCOMPARE(m["mountpoint"].toString(), qpath(base + (i == 0 ? "/a" : "/b")));
        QVERIFY2(m["restored"].toBool(), restored.describe());
        QVERIFY2(m["view"].isObject() && m["view"].toObject()["discrepancies"].toInt() == 0, restored.describe());
    }
    QVERIFY(isOverlayAt(base + "/a") && isOverlayAt(base + "/b"));
    QVERIFY(viewOf(base + "/a") == beforeA);
    QVERIFY(viewOf(base + "/b") == beforeB);

    // The second checkpoint: the same identities, mount by mount, layer by layer.
    auto again = runCli({"capture", qpath(base + "/a"), qpath(base + "/b"), qpath(base + "/cap2.json"), "--json"});
    QVERIFY2(again.exitCode == 0 && again.jsonOk, again.describe());
    const auto ids1 = identities(first), ids2 = identities(again.json["capture"].toObject());
    QCOMPARE(ids2.size(), size_t(2));
    for (const auto &[mp, ids] : ids1)
        QVERIFY2(ids2.contains(mp) && ids2.at(mp) == ids,
                 qPrintable(mp + ": " + ids.join(", ") + " then " + ids2.at(mp).join(", ")));
    QVERIFY(mounts::unmount(base + "/b"));
    QVERIFY(mounts::unmount(base + "/a"));
}

void TestCliCapture::uuidChangeEndToEnd()
{
    TempDir tmp("strata-cli-uuid");
    LoopExt4 disk(tmp / "disk.img");
    if (!disk.ok())
        QSKIP(("no loop device: " + disk.error()).c_str());
    UuidStack s {tmp / "a", tmp / "m"};
    QVERIFY2(disk.mountAt(s.base), disk.error().c_str());
    for (const char *dir : {"/l1", "/l2", "/l2/dir", "/l2/dir/sub", "/u", "/w"})
        QVERIFY(::mkdir((s.base + dir).c_str(), 0755) == 0);
    QVERIFY(writeFile(s.base + "/l1/top", "top\n"));
    QVERIFY(writeFile(s.base + "/l2/data", "data\n"));
    QVERIFY(writeFile(s.base + "/l2/linked", "linked\n"));
    // Lower hard links: copying one up goes through the index (index=on).
    QVERIFY(::link((s.base + "/l2/linked").c_str(), (s.base + "/l2/linkedB").c_str()) == 0);
    QVERIFY(writeFile(s.base + "/l2/dir/sub/f", "f\n"));
    ::mkdir(s.merged.c_str(), 0755);
    {
        auto m = mounts::mountOverlay(s.options(), s.merged);
        QVERIFY2(m, m ? "" : m.error().message().c_str());
        QVERIFY(writeFile(s.merged + "/data", "more\n", true)); // copy-up
        QVERIFY(writeFile(s.merged + "/linked", "more\n", true)); // indexed copy-up of a lower hard link
        QCOMPARE(readText(s.merged + "/linkedB"), std::string("linked\nmore\n"));
        QVERIFY(::link((s.merged + "/linked").c_str(), (s.merged + "/linked2").c_str()) == 0);
        QVERIFY(::rename((s.merged + "/dir").c_str(), (s.merged + "/renamed").c_str()) == 0); // redirect
        QVERIFY(mounts::unmount(s.merged));
    }
    auto viewMount = mounts::mountOverlay(s.options(), s.merged);
    QVERIFY2(viewMount, viewMount ? "" : viewMount.error().message().c_str());
    const auto before = viewOf(s.merged);
    QVERIFY(mounts::unmount(s.merged));
    QVERIFY(disk.unmount());

    const std::string oldUuid = disk.uuid();
    QVERIFY2(disk.setRandomUuid(), disk.error().c_str());
    const std::string newUuid = disk.uuid();
    QVERIFY(!newUuid.empty() && newUuid != oldUuid);
    QVERIFY2(disk.mountAt(s.base), disk.error().c_str());

    // The kernel refuses the index=on mount.
    auto refused = mounts::mountOverlay(s.options(), s.merged);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, ESTALE);
    QVERIFY(!isOverlayAt(s.merged));

    // Strata explains it.
    auto inspect = runCli(QStringList {"inspect", "--no-summary", "--json"} + s.layerArgs());
    QVERIFY2(inspect.jsonOk, inspect.describe());
    const auto id = inspect.json["identity"].toObject();
    QCOMPARE(id["state"].toString(), QString("drifted"));
    QCOMPARE(id["recorded_uuid"].toString(), QString::fromStdString(oldUuid));
    QCOMPARE(id["current_uuid"].toString(), QString::fromStdString(newUuid));
    QVERIFY(id["restampable"].toBool());
    QVERIFY2(id["kernel_will"].toString().contains("failed to verify upper root origin"), inspect.describe());
    QVERIFY(id["ways_out"].toArray().size() >= 3);

    // The doctor gives the same verdict (index-uuid-mismatch), confirmed by a real
    // try-mount as root: ESTALE and the kernel's message.
    auto doctor = runCli(QStringList {"doctor", "--json"} + s.layerArgs());
    QVERIFY2(doctor.jsonOk && doctor.exitCode == 6, doctor.describe());
    QJsonObject mismatch;
    for (const auto &f : doctor.json["findings"].toArray())
        if (f.toObject()["code"].toString() == "index-uuid-mismatch")
            mismatch = f.toObject();
    QVERIFY2(!mismatch.isEmpty(), doctor.describe());
    QVERIFY(mismatch["kernel_refuses"].toBool());
    QCOMPARE(mismatch["kernel_message"].toString(), QString("failed to verify upper root origin"));
    QVERIFY2(mismatch["cause"].toString().contains(QString::fromStdString(newUuid)), doctor.describe());
    QVERIFY2(mismatch["fix"].toString().contains("index=off") && mismatch["fix"].toString().contains("restamp"),
             doctor.describe());
    const auto tried = doctor.json["try_mount"].toObject();
    QVERIFY2(tried["attempted"].toBool() || ::geteuid() != 0, doctor.describe()); // root tries the mount
    if (tried["attempted"].toBool()) {
        QCOMPARE(tried["errno"].toInt(), ESTALE);
        QVERIFY2(mismatch["confirmed"].toBool(), doctor.describe());
        QVERIFY(doctor.json["agrees"].toBool());
    }

    const auto pristine = dumpStack(s.base);
    // Dry run: every change listed, nothing changed.
    auto dry = runCli(QStringList {"restamp", "--to-uuid", QString::fromStdString(newUuid), "--dry-run", "--json"}
                      + s.layerArgs());
    QVERIFY2(dry.exitCode == 0 && dry.jsonOk, dry.describe());
    const auto changes = dry.json["changes"].toArray();
    bool renames = false, origins = false;
    for (const auto &c : changes) {
        renames |= c.toObject()["kind"].toString() == "rename";
        origins |= c.toObject()["xattr"].toString() == "trusted.overlay.origin";
    }
    QVERIFY2(renames && origins, dry.describe());
    QVERIFY(dumpStack(s.base) == pristine);

    // Killed after 2 steps, then rolled back: byte-identical to before.
    qputenv("STRATA_RESTAMP_ABORT_AFTER", "2");
    auto killed = runCli(QStringList {"restamp", "--to-uuid", QString::fromStdString(newUuid)} + s.layerArgs());
    qunsetenv("STRATA_RESTAMP_ABORT_AFTER");
    QCOMPARE(killed.exitCode, 75);
    QVERIFY(::access((s.base + "/w/strata-restamp.journal").c_str(), F_OK) == 0);
    QVERIFY(dumpStack(s.base) != pristine);
    auto rolled = runCli(QStringList {"restamp", "--rollback", "--json"} + s.layerArgs());
    QVERIFY2(rolled.exitCode == 0 && rolled.json["rolled_back"].toBool(), rolled.describe());
    QVERIFY(dumpStack(s.base) == pristine);

    // Killed midway, then run again: it finishes.
    qputenv("STRATA_RESTAMP_ABORT_AFTER", QByteArray::number(qsizetype(changes.size() / 2)));
    killed = runCli(QStringList {"restamp", "--to-uuid", QString::fromStdString(newUuid)} + s.layerArgs());
    qunsetenv("STRATA_RESTAMP_ABORT_AFTER");
    QCOMPARE(killed.exitCode, 75);
    auto resumed
        = runCli(QStringList {"restamp", "--to-uuid", QString::fromStdString(newUuid), "--json"} + s.layerArgs());
    QVERIFY2(resumed.exitCode == 0 && resumed.json["resumed"].toBool(), resumed.describe());
    QVERIFY(::access((s.base + "/w/strata-restamp.journal").c_str(), F_OK) != 0);
    auto after = runCli(QStringList {"inspect", "--no-summary", "--json"} + s.layerArgs());
    QCOMPARE(after.json["identity"].toObject()["state"].toString(), QString("consistent"));

    // A real index=on mount works, shows the same view, and origins resolve to the
    // same lower files.
    auto mounted = mounts::mountOverlay(s.options(), s.merged);
    QVERIFY2(mounted, mounted ? "" : mounted.error().message().c_str());
    QVERIFY(viewOf(s.merged) == before);
    // The index still joins the lower hard links: both names show the copied-up data.
    QCOMPARE(readText(s.merged + "/linkedB"), std::string("linked\nmore\n"));
    struct stat la {}, lb {};
    QVERIFY(::stat((s.merged + "/linked").c_str(), &la) == 0 && ::stat((s.merged + "/linkedB").c_str(), &lb) == 0);
    QCOMPARE(la.st_ino, lb.st_ino);
    auto tree = runCli({"tree", qpath(s.merged), "--json"});
    QVERIFY2(tree.jsonOk, tree.describe());
    const auto data = entryAt(tree.json, "data")["origin"].toObject();
    QCOMPARE(data["status"].toString(), QString("resolved-by-handle"));
    QCOMPARE(data["path"].toString(), QString("data"));
    const auto renamedF = entryAt(tree.json, "renamed")["origin"].toObject();
    QCOMPARE(renamedF["path"].toString(), QString("dir"));
    QVERIFY(mounts::unmount(s.merged));
}

STRATA_TEST_MAIN_REQUIRES(TestCliCapture, strata::test::requireKernelOverlay)

#include "test_cli_capture.moc"
