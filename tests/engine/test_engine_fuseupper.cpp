// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse over uppers the kernel refuses (issue #11 §3): upper and work on a
// kernel overlay (no 0/0 devices, no RENAME_WHITEOUT: xattr whiteouts, staged
// renames), on bindfs and on fuse2fs (FUSE servers from Debian: 0/0 devices but
// neither RENAME_WHITEOUT nor RENAME_EXCHANGE: every rename that needs one is
// staged). Each is started here, for real.
//   - randomSequences: the differential test's random operations (create, write,
//     rename of files and dirs, unlink and rmdir over lowers, hard links, user
//     xattrs, ...) on kernel overlayfs over a plain upper and on strata-fuse over
//     the refused upper, same layers: the same result per operation and the same
//     tree; then the inspector (core/stack) reads strata-fuse's upper back and
//     shows the kernel's view (and what it shows over the kernel's upper). What
//     the FUSE server itself does otherwise is left out (serverDoesAsKernel).
//   - failureLeavesNoTrace: the upper filesystem runs out of inodes mid-operation
//     (a tmpfs with nr_inodes under the overlay; fuse2fs with few inodes), so the
//     whiteout a rename or an unlink needs cannot be made: the operation fails and
//     the union, the upper and work/ are as before; with room again it succeeds.
//   - doctorVerdicts / refusesWhatCannotHoldTheFormat: the doctor's --backend fuse
//     verdicts for each upper, and an upper without xattrs (bindfs --xattr-none)
//     refused by both the doctor and strata-fuse naming the missing feature.
//   STRATA_FUSEUPPER_SEQUENCES (default 60), STRATA_FUSEUPPER_OPS (50).
#include "diffops.h"
#include "kerneloverlay.h"
#include "mounts/doctor.h"
#include "mounts/doctor_probes.h"
#include "stack/layerstack.h"
#include "stack/stackspec.h"
#include "stackrecipe.h"
#include "testenv.h"
#include "testmain.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <regex>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok ? v : fallback;
}

enum class Host { Overlay, Bindfs, Fuse2fs };

const char *hostName(Host h)
{
    switch (h) {
    case Host::Overlay:
        return "kernel overlay";
    case Host::Bindfs:
        return "bindfs";
    case Host::Fuse2fs:
        return "fuse2fs";
    }
    return "?";
}

// Operations the FUSE server itself answers otherwise than a local filesystem, with
// or without strata-fuse above it: neither places holes as tmpfs does (SEEK_HOLE:
// bindfs has no lseek, the FUSE client answers the end of file); bindfs has no
// fallocate (EOPNOTSUPP); fuse2fs (Debian 13) removes an absent xattr without
// ENODATA and ignores O_TRUNC on open (a non-exclusive create over a file keeps its
// old size). Left out of the comparison for that server.
bool serverDoesAsKernel(Host h, const fuzz::Op &op)
{
    if (h == Host::Overlay)
        return true;
    if (op.kind == fuzz::Kind::SeekData)
        return false;
    if (h == Host::Bindfs)
        return op.kind != fuzz::Kind::Fallocate;
    return op.kind != fuzz::Kind::RemoveXattr && !(op.kind == fuzz::Kind::Create && op.flags == 0);
}

// The tree as compared on that server: bindfs (libfuse's high-level API, one node per
// path) shows each name of a hard-linked file as its own inode, whose link count the
// kernel caches apart, so a count seen through another name can be stale.
Snapshot comparable(Host h, Snapshot s)
{
    if (h == Host::Bindfs)
        for (auto &[path, e] : s)
            e.nlink = 0;
    return s;
}

// Runs a program to its end; "" on exit 0, else what it said.
std::string run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return program.toStdString() + ": timed out";
    }
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return {};
    return program.toStdString() + " failed: " + p.readAll().toStdString();
}

// The filesystem holding upper and work, mounted at `dir`/host. `inodes` > 0
// limits its inodes (the overlay's upper tmpfs, fuse2fs's image).
class HostFs {
public:
    HostFs(Host h, const std::string &dir, unsigned inodes = 0, const QStringList &bindfsExtra = {})
        : m_path(dir + "/host")
    {
        std::filesystem::create_directories(m_path);
        const std::string back = dir + "/hostback";
        std::filesystem::create_directories(back);
        switch (h) {
        case Host::Overlay: {
            if (inodes) {
                const std::string o = "mode=0755,nr_inodes=" + std::to_string(inodes);
                if (::mount("tmpfs", back.c_str(), "tmpfs", 0, o.c_str()) != 0) {
                    m_error = std::string("tmpfs: ") + std::strerror(errno);
                    return;
                }
                m_backMount = back;
            }
            for (const char *d : {"/l", "/u", "/w"})
                std::filesystem::create_directories(back + d);
            m_overlay = std::make_unique<KernelOverlay>(m_path, std::vector<std::string> {back + "/l"}, back + "/u",
                                                        back + "/w");
            if (!m_overlay->ok())
                m_error = "overlay: " + m_overlay->error();
            return;
        }
        case Host::Bindfs:
            m_error = run(QStringLiteral("bindfs"),
                          bindfsExtra + QStringList {QString::fromStdString(back), QString::fromStdString(m_path)});
            break;
        case Host::Fuse2fs: {
            const std::string img = dir + "/host.img";
            QStringList mkfs {QStringLiteral("-q"), QStringLiteral("-F")};
            if (inodes)
                mkfs << QStringLiteral("-N") << QString::number(inodes);
            m_error = run(QStringLiteral("truncate"),
                          {QStringLiteral("-s"), QStringLiteral("64M"), QString::fromStdString(img)});
            if (m_error.empty())
                m_error = run(QStringLiteral("mkfs.ext4"), mkfs << QString::fromStdString(img));
            if (m_error.empty())
                m_error = run(QStringLiteral("fuse2fs"), {QString::fromStdString(img), QString::fromStdString(m_path)});
            break;
        }
        }
        m_fuse = m_error.empty();
    }
    ~HostFs()
    {
        if (m_fuse) {
            for (int i = 0; i < 200 && ::umount2(m_path.c_str(), 0) != 0 && errno == EBUSY; ++i)
                QThread::msleep(25);
            ::umount2(m_path.c_str(), MNT_DETACH);
        }
        m_overlay.reset();
        if (!m_backMount.empty())
            ::umount2(m_backMount.c_str(), MNT_DETACH);
    }
    HostFs(const HostFs &) = delete;
    HostFs &operator=(const HostFs &) = delete;

    const std::string &path() const { return m_path; }
    const std::string &error() const { return m_error; }

private:
    std::string m_path;
    std::string m_error;
    std::string m_backMount;
    std::unique_ptr<KernelOverlay> m_overlay;
    bool m_fuse = false;
};

// Directory sizes are the upper filesystem's own (tmpfs counts entries, ext4
// blocks); everything else must agree.
View withoutDirSizes(View v)
{
    static const std::regex dirSize("^(d .*) size=[0-9]+");
    for (auto &[path, facts] : v)
        facts = std::regex_replace(facts, dirSize, "$1");
    return v;
}

std::string listWork(const std::string &work)
{
    std::string out;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(work + "/work", ec))
        out += e.path().filename().string() + " ";
    return out;
}

std::string xattrOf(const std::string &path, const char *name)
{
    char buf[256];
    const ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof buf);
    return n < 0 ? std::string("-") : std::string(buf, static_cast<size_t>(n));
}

// The inspector's view of the fixture's layers (as stratactl and the GUI read them).
View inspectorOf(const UnionFixture &u, int lowers, std::string &err)
{
    stack::StackSpec spec;
    for (int i = 0; i < lowers; ++i)
        spec.lower.push_back(u.lower(i));
    spec.upper = u.upper();
    spec.work = u.work();
    spec.options = {{"redirect_dir", "on"}};
    auto st = stack::LayerStack::fromSpec(spec);
    if (!st) {
        err = st.error().message();
        return {};
    }
    return withoutDirSizes(inspectorView(**st, err));
}

// What `stratactl doctor --backend fuse` finds for the fixture's stack.
mounts::Diagnosis fuseDiagnosis(const UnionFixture &f)
{
    mounts::OverlayOptions spec;
    spec.lowers = {f.lower(0)};
    spec.upper = f.upper();
    spec.work = f.work();
    mounts::DoctorOptions opts;
    opts.backend = mounts::Backend::Fuse;
    opts.checkWriteback = false;
    return mounts::diagnose(spec, opts);
}

// Creates files under `dir` until the filesystem has no inode left; how many.
int exhaustInodes(const std::string &dir)
{
    std::filesystem::create_directories(dir);
    int n = 0;
    while (n < 1000000) {
        const std::string p = dir + "/" + std::to_string(n);
        const int fd = ::open(p.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0)
            break;
        ::close(fd);
        ++n;
    }
    return n;
}

} // namespace

class TestEngineFuseUpper : public QObject {
    Q_OBJECT

    void sequencesOn(Host h)
    {
        const long total = envInt("STRATA_FUSEUPPER_SEQUENCES", 60);
        const int nops = envInt("STRATA_FUSEUPPER_OPS", 50);
        constexpr int kLowers = 3;
        UnionFixture k(kLowers, true), f(kLowers, true);
        HostFs host(h, f.dir().path());
        QVERIFY2(host.error().empty(), host.error().c_str());
        f.placeUpperIn(host.path());
        std::vector<std::string> dirs;
        std::vector<std::vector<fuzz::Op>> seqs;
        for (long id = 0; id < total; ++id) {
            const uint64_t seed = 7000003ULL + static_cast<uint64_t>(id);
            const std::string dir = "s" + std::to_string(id);
            for (UnionFixture *u : {&k, &f}) {
                fuzz::LayerSet l;
                for (int i = 0; i < kLowers; ++i)
                    l.lowers.push_back(u->lower(i));
                fuzz::buildLayers(seed, l, dir); // upper left empty: it is the one under test
            }
            dirs.push_back(dir);
            auto ops = fuzz::generate(seed, nops);
            std::erase_if(ops, [h](const fuzz::Op &op) { return !serverDoesAsKernel(h, op); });
            seqs.push_back(std::move(ops));
        }
        QVERIFY(k.mountKernel());
        QVERIFY2(f.mountFuse(), f.daemonLog().c_str());
        std::string failures;
        long failedAlike = 0, ops = 0;
        for (size_t s = 0; s < seqs.size(); ++s) {
            for (const auto &op : seqs[s]) {
                const std::string kr = fuzz::apply(k.path(dirs[s]), op);
                const std::string fr = fuzz::apply(f.path(dirs[s]), op);
                ++ops;
                failedAlike += kr == fr && kr.starts_with("E");
                if (kr != fr) {
                    failures += dirs[s] + ": " + op.describe() + ": kernel " + kr + " / strata-fuse " + fr + "\n";
                    break;
                }
            }
            if (auto d = diff(comparable(h, snapshot(k.path(dirs[s]))), comparable(h, snapshot(f.path(dirs[s]))),
                              "kernel", "strata-fuse");
                !d.empty()) {
                failures += dirs[s] + ":\n" + d;
                if (qEnvironmentVariableIsSet("STRATA_FUSEUPPER_DUMP"))
                    for (const auto &op : seqs[s])
                        failures += "  " + op.describe() + "\n";
            }
        }
        std::printf("%s upper: %ld sequences, %ld operations (%ld failing alike on both)\n", hostName(h), total, ops,
                    failedAlike);
        QVERIFY2(failures.empty(), failures.c_str());
        QVERIFY2(f.unmount(), f.daemonLog().c_str());

        // The inspector over the upper strata-fuse wrote shows the kernel's view,
        // and what it shows over the kernel's own upper.
        std::string err;
        const View kernel = withoutDirSizes(kernelView(k.mnt(), err));
        QVERIFY2(err.empty(), err.c_str());
        const View fromFuse = inspectorOf(f, kLowers, err);
        QVERIFY2(err.empty(), err.c_str());
        const View fromKernel = inspectorOf(k, kLowers, err);
        QVERIFY2(err.empty(), err.c_str());
        std::string viewDiff;
        for (const auto &line : diffViews(kernel, fromFuse))
            viewDiff += "kernel mount / inspector over strata-fuse's upper: " + line + "\n";
        for (const auto &line : diffViews(fromKernel, fromFuse))
            viewDiff += "inspector over the kernel's upper / over strata-fuse's: " + line + "\n";
        QVERIFY2(viewDiff.empty(), viewDiff.c_str());
        QVERIFY(k.unmount());
    }

    // A lower dir D (with a file) copied up already, and a lower file F; the upper
    // filesystem then full of inodes: renaming D or F, and removing F, each need a
    // new whiteout, which cannot be made.
    void noTraceOn(Host h)
    {
        UnionFixture f(1, true);
        HostFs host(h, f.dir().path(), h == Host::Overlay ? 64 : 128);
        QVERIFY2(host.error().empty(), host.error().c_str());
        f.placeUpperIn(host.path());
        writeFile(f.lower(0) + "/D/x", "x in D");
        writeFile(f.lower(0) + "/F", "lower F");
        QVERIFY2(f.mountFuse(), f.daemonLog().c_str());
        QVERIFY(::chmod(f.path("D").c_str(), 0750) == 0); // copy-up of D
        const Snapshot before = snapshot(f.mnt());
        const Snapshot upperBefore = snapshot(f.upper());
        const std::string redirectBefore = xattrOf(f.upper() + "/D", "trusted.overlay.redirect");
        const int filled = exhaustInodes(host.path() + "/filler");
        QVERIFY(filled > 0);

        QVERIFY(::rename(f.path("D").c_str(), f.path("D2").c_str()) != 0);
        const int renameDirErr = errno;
        QVERIFY(::rename(f.path("F").c_str(), f.path("F2").c_str()) != 0);
        QVERIFY(::unlink(f.path("F").c_str()) != 0);
        const int unlinkErr = errno;
        QVERIFY2(renameDirErr == ENOSPC && unlinkErr == ENOSPC,
                 (std::string(std::strerror(renameDirErr)) + " / " + std::strerror(unlinkErr)).c_str());
        // Nothing changed: the union, the upper (no half-renamed dir, no redirect
        // left, no orphan whiteout) and work/.
        QCOMPARE(diff(before, snapshot(f.mnt()), "before", "after"), std::string());
        QCOMPARE(diff(upperBefore, snapshot(f.upper()), "upper before", "upper after"), std::string());
        QCOMPARE(xattrOf(f.upper() + "/D", "trusted.overlay.redirect"), redirectBefore);
        QCOMPARE(listWork(f.work()), std::string());

        // With room again the same operations succeed, as on a plain upper.
        for (int i = 0; i < 8; ++i)
            ::unlink((host.path() + "/filler/" + std::to_string(i)).c_str());
        QVERIFY(::rename(f.path("D").c_str(), f.path("D2").c_str()) == 0);
        QVERIFY(::unlink(f.path("F").c_str()) == 0);
        struct stat st {};
        QVERIFY(::lstat(f.path("D").c_str(), &st) != 0 && errno == ENOENT);
        QVERIFY(::lstat(f.path("F").c_str(), &st) != 0 && errno == ENOENT);
        QCOMPARE(readFile(f.path("D2/x")), std::string("x in D"));
        QVERIFY2(f.unmount(), f.daemonLog().c_str());
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *tool : {"bindfs", "fuse2fs", "mkfs.ext4"})
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty()
                && QStandardPaths::findExecutable(QString::fromLatin1(tool),
                                                  {QStringLiteral("/sbin"), QStringLiteral("/usr/sbin")})
                       .isEmpty())
                QSKIP(qPrintable(QStringLiteral("%1 is not installed (Debian: bindfs, fuse2fs, e2fsprogs)")
                                     .arg(QString::fromLatin1(tool))));
    }

    void randomSequencesOverlayUpper() { sequencesOn(Host::Overlay); }
    void randomSequencesBindfsUpper() { sequencesOn(Host::Bindfs); }
    void randomSequencesFuse2fsUpper() { sequencesOn(Host::Fuse2fs); }
    void failureLeavesNoTraceOverlayUpper() { noTraceOn(Host::Overlay); }
    void failureLeavesNoTraceFuse2fsUpper() { noTraceOn(Host::Fuse2fs); }

    // What the doctor says with --backend fuse is what the mount decides.
    void doctorVerdicts()
    {
        for (Host h : {Host::Overlay, Host::Bindfs, Host::Fuse2fs}) {
            UnionFixture f(1, true);
            HostFs host(h, f.dir().path());
            QVERIFY2(host.error().empty(), host.error().c_str());
            f.placeUpperIn(host.path());
            const auto d = fuseDiagnosis(f);
            QVERIFY2(!d.refused(mounts::Backend::Fuse), hostName(h));
            const auto staged = std::find_if(d.findings.begin(), d.findings.end(),
                                             [](const auto &x) { return x.code == "upper-fuse-staged"; });
            QVERIFY2(staged != d.findings.end(), hostName(h));
            QCOMPARE(staged->severity, mounts::Severity::Info);
            // The overlay cannot hold 0/0 devices; the FUSE servers can, but cannot
            // RENAME_WHITEOUT.
            QVERIFY2(staged->cause.find(h == Host::Overlay ? "xattr whiteouts" : "no RENAME_WHITEOUT")
                         != std::string::npos,
                     staged->cause.c_str());
            if (h == Host::Overlay) // the kernel's own verdict stays
                QVERIFY(d.refused(mounts::Backend::Kernel));
            // And the mount agrees.
            QVERIFY2(f.mountFuse(), f.daemonLog().c_str());
            QVERIFY(f.unmount());
        }
    }

    void refusesWhatCannotHoldTheFormat()
    {
        UnionFixture f(1, true);
        HostFs host(Host::Bindfs, f.dir().path(), 0, {QStringLiteral("--xattr-none")});
        QVERIFY2(host.error().empty(), host.error().c_str());
        f.placeUpperIn(host.path());
        const auto d = fuseDiagnosis(f);
        QVERIFY(d.refused(mounts::Backend::Fuse));
        const auto refusal = std::find_if(d.findings.begin(), d.findings.end(),
                                          [](const auto &x) { return x.code == "upper-fuse-format"; });
        QVERIFY(refusal != d.findings.end());
        QCOMPARE(refusal->severity, mounts::Severity::Error);
        QVERIFY2(refusal->cause.find("overlay.* xattrs") != std::string::npos, refusal->cause.c_str());
        // strata-fuse refuses the same upper, naming the same feature.
        std::string err;
        const int rc = runFuse(
            {"-f", "-o", "lowerdir=" + f.lower(0) + ",upperdir=" + f.upper() + ",workdir=" + f.work(), f.mnt()}, &err);
        QVERIFY(rc != 0);
        QVERIFY2(err.find("cannot store the overlay format") != std::string::npos
                     && err.find("overlay.* xattrs") != std::string::npos,
                 err.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineFuseUpper, requireFuseAndKernel)
#include "test_engine_fuseupper.moc"
