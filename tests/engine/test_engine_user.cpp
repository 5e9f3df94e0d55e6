// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuse started by an unprivileged user (strata-alice) over her own layers.
// The mount syscall is refused to her, so libfuse mounts through the setuid
// fusermount3; FUSE passthrough (CAP_SYS_ADMIN) is not available to the daemon.
// fusermount3 opens /dev/fuse with the caller's rights, so where the device is
// mode 0600 (as on the CI machines) no user can mount FUSE: the test then runs in
// a private mount namespace where a mode 0666 node of the same device is bound
// over /dev/fuse, which is what a system allowing user FUSE mounts has.
#include "ovl/xattrnames.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "unionfixture.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::test;

namespace {

const char *const kUser = "strata-alice";

std::string requireUserMount()
{
    if (auto why = requireFuse(); !why.empty())
        return why;
    if (::geteuid() != 0)
        return "not root: cannot switch to another user";
    if (!::getpwnam(kUser))
        return std::string("no user ") + kUser + " (the build root creates it)";
    for (const char *tool : {"setpriv", "fusermount3", "mountpoint", "unshare", "mknod"})
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
            return std::string(tool) + " is not installed";
    return {};
}

struct Run {
    int code = -1;
    std::string out;
};

// A bash script as strata-alice (no capabilities, her own groups) in `dir`. With
// `userFuse`: in a private mount namespace whose /dev/fuse is mode 0666.
Run runAsUser(const std::string &dir, const std::string &script, bool userFuse = true)
{
    const passwd *pw = ::getpwnam(kUser);
    const std::string dev = dir + "/../dev";
    const std::string setup = userFuse ? "mkdir -p '" + dev + "' && mount -t tmpfs -o mode=0755 dev '" + dev
            + "' && mknod -m 0666 '" + dev + "/fuse' c 10 229 && mount --bind '" + dev + "/fuse' /dev/fuse && "
                                       : std::string();
    QProcess p;
    p.setWorkingDirectory(QString::fromStdString(dir));
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("FUSE"), QString::fromStdString(fuseBinary()));
    env.insert(QStringLiteral("HOME"), QString::fromStdString(dir));
    p.setProcessEnvironment(env);
    // The bounding set stays full: setuid fusermount3 needs it.
    const std::string command = setup + "exec setpriv --reuid=" + std::to_string(pw->pw_uid)
        + " --regid=" + std::to_string(pw->pw_gid) + " --init-groups --inh-caps=-all -- bash -c \"$0\"";
    p.start(QStringLiteral("unshare"),
            {QStringLiteral("--mount"), QStringLiteral("--propagation"), QStringLiteral("private"),
             QStringLiteral("--"), QStringLiteral("bash"), QStringLiteral("-c"), QString::fromStdString(command),
             QString::fromStdString("set -eu\n" + script)});
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAll().toStdString();
    return r;
}

std::string xattr(const std::string &path, const std::string &name)
{
    char buf[256];
    const ssize_t n = ::lgetxattr(path.c_str(), name.c_str(), buf, sizeof(buf));
    return n < 0 ? std::string("(none)") : std::string(buf, static_cast<size_t>(n));
}

} // namespace

class TestEngineUser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainUserMountsReadsWritesAndUnmounts()
    {
        TempDir t("strata-engine-user");
        ::chmod(t.path().c_str(), 0755);
        const std::string d = t / "alice";
        QCOMPARE(::mkdir(d.c_str(), 0755), 0);
        const passwd *pw = ::getpwnam(kUser);
        QCOMPARE(::chown(d.c_str(), pw->pw_uid, pw->pw_gid), 0);

        struct stat st0 {};
        // Daemonized: exit status 0 means the mount is live.
        Run r = runAsUser(d, R"SH(
mkdir -p lower/sub upper work mnt
printf lowerdata > lower/a; printf gone > lower/b; printf c > lower/sub/c
"$FUSE" -o lowerdir=lower,upperdir=upper,workdir=work mnt
echo "read=$(cat mnt/a)"
printf more >> mnt/a
echo "after=$(cat mnt/a)"
rm mnt/b
mkdir mnt/sub/new
echo "ls=$(ls mnt | tr '\n' ' ')"
fusermount3 -u mnt
mountpoint -q mnt && echo still-mounted || echo unmounted
)SH");
        QVERIFY2(r.code == 0, r.out.c_str());
        QVERIFY2(r.out.find("read=lowerdata\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("after=lowerdatamore\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("ls=a sub \n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("\nunmounted\n") != std::string::npos, r.out.c_str());

        // Where the user may not open /dev/fuse: one clear line, nothing mounted.
        r = runAsUser(d, R"SH(
"$FUSE" -o lowerdir=lower,upperdir=upper,workdir=work mnt 2>err && echo mounted || echo "failed=$?"
cat err
)SH",
                      false);
        const bool deviceClosed = (::stat("/dev/fuse", &st0) == 0 && (st0.st_mode & 0006) != 0006);
        if (deviceClosed) {
            QVERIFY2(r.out.find("failed=1\nstrata-fuse: /dev/fuse: this user may not open it") == 0, r.out.c_str());
        }

        // The upper as the kernel would write it with userxattr.
        struct stat st {};
        QCOMPARE(::lstat((d + "/upper/b").c_str(), &st), 0);
        QVERIFY(S_ISCHR(st.st_mode) && st.st_rdev == 0);
        QCOMPARE(st.st_uid, pw->pw_uid);
        QCOMPARE(readFile(d + "/upper/a"), std::string("lowerdatamore"));
        QCOMPARE(readFile(d + "/lower/a"), std::string("lowerdata"));
        QCOMPARE(xattr(d + "/upper/sub", "trusted.overlay.origin"), std::string("(none)"));
        QVERIFY(xattr(d + "/upper/sub", "user.overlay.origin") != "(none)");

        // Foreground, remounted: the view persists, no passthrough attempt (the
        // clean fallback), and SIGTERM unmounts what fusermount3 mounted
        // (the daemon then exits with status 1, as libfuse reports the signal).
        r = runAsUser(d, R"SH(
"$FUSE" -f -o lowerdir=lower,upperdir=upper,workdir=work mnt 2>log &
pid=$!
for i in $(seq 100); do mountpoint -q mnt && break; sleep 0.05; done
echo "view=$(cat mnt/a) $(ls mnt | tr '\n' ' ')$(ls mnt/sub | tr '\n' ' ')"
kill -TERM $pid
wait $pid && echo "daemon=0" || echo "daemon=$?"
mountpoint -q mnt && echo still-mounted || echo unmounted
echo "log=$(cat log)"
)SH");
        QVERIFY2(r.code == 0, r.out.c_str());
        QVERIFY2(r.out.find("view=lowerdatamore a sub c new \n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("\nunmounted\n") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find("passthrough") == std::string::npos, r.out.c_str());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineUser, requireUserMount)
#include "test_engine_user.moc"
