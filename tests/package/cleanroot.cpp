// SPDX-License-Identifier: GPL-2.0-or-later
#include "cleanroot.h"

#include "testenv.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <netdb.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace strata::test {

namespace {

// Bump when the bare root is made differently in a way bareroot.sh's text does not show.
constexpr int kBareFormat = 1;

// An open descriptor holding flock(HOW) on PATH, or -1.
int lockFile(const std::string &path, int how)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0 && ::flock(fd, how) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

QString CommandRun::describe() const
{
    return QStringLiteral("exit %1\n--- stdout (end)\n%2\n--- stderr (end)\n%3")
        .arg(exitCode)
        .arg(out.right(3000), err.right(3000));
}

CommandRun runCommand(const QStringList &argv, int timeoutMs, const QStringList &env)
{
    CommandRun r;
    QProcess p;
    QProcessEnvironment e;
    e.insert(QStringLiteral("PATH"), QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    e.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    e.insert(QStringLiteral("HOME"), QStringLiteral("/root"));
    for (const QString &kv : env)
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    p.setProcessEnvironment(e);
    p.setWorkingDirectory(QStringLiteral("/"));
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    p.start(argv.first(), argv.mid(1));
    if (!p.waitForStarted(10000)) {
        r.err = p.errorString();
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = QStringLiteral("killed after %1 s. ").arg(timeoutMs / 1000);
    } else if (p.exitStatus() == QProcess::NormalExit) {
        r.exitCode = p.exitCode();
    }
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err += QString::fromUtf8(p.readAllStandardError());
    return r;
}

std::string mirrorReachable(const std::string &mirror)
{
    const size_t start = mirror.find("://");
    if (start == std::string::npos)
        return mirror + ": not an http:// URL";
    const std::string rest = mirror.substr(start + 3);
    const std::string host = rest.substr(0, rest.find('/'));
    addrinfo hints {};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *res = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), "80", &hints, &res); rc != 0)
        return "no network to the Debian mirror: " + host + ": " + ::gai_strerror(rc);
    std::string why = "no network to the Debian mirror: " + host + ":80 did not answer within 5 s";
    for (addrinfo *a = res; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
            ::close(fd);
            continue;
        }
        pollfd pfd {fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        if (::poll(&pfd, 1, 5000) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
            ::close(fd);
            why.clear();
            break;
        }
        ::close(fd);
    }
    ::freeaddrinfo(res);
    return why;
}

BareRoot bareRoot(const std::string &cache, const std::string &mirror, const std::string &user)
{
    BareRoot out;
    const std::string script = sourceDir() + "/tests/package/bareroot.sh";
    QFile f(QString::fromStdString(script));
    if (!f.open(QIODevice::ReadOnly)) {
        out.error = script + ": cannot read";
        return out;
    }
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(f.readAll());
    h.addData(QByteArray::number(kBareFormat));
    h.addData(QByteArray::fromStdString(mirror + "\n" + user));
    const std::string day = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd")).toStdString();
    const std::string name = "bare-trixie-" + day + "-" + h.result().toHex().left(12).toStdString();
    const std::string dir = cache + "/" + name;
    std::error_code ec;
    std::filesystem::create_directories(cache, ec);

    // One creator at a time; the others wait and then use its root.
    const int createFd = lockFile(cache + "/.create.lock", LOCK_EX);
    if (createFd < 0) {
        out.error = cache + "/.create.lock: " + std::strerror(errno);
        return out;
    }
    if (!std::filesystem::exists(dir + "/.strata-ready")) {
        // Yesterday's roots: removed unless a clean root still uses one as its lower layer.
        for (const auto &e : std::filesystem::directory_iterator(cache, ec)) {
            const std::string p = e.path().string();
            if (!e.is_directory() || e.path().filename().string().rfind("bare-trixie-", 0) != 0 || p == dir)
                continue;
            const int held = lockFile(p + ".inuse", LOCK_EX | LOCK_NB);
            if (held < 0)
                continue;
            std::filesystem::remove_all(p, ec);
            std::filesystem::remove(p + ".inuse", ec);
            ::close(held);
        }
        const std::string partial = dir + ".partial";
        std::filesystem::remove_all(partial, ec);
        const CommandRun r = runCommand({QStringLiteral("/bin/bash"), QString::fromStdString(script),
                                         QString::fromStdString(partial), QString::fromStdString(mirror),
                                         QString::fromStdString(user), QString::fromStdString(cache + "/debs")},
                                        900000);
        if (r.exitCode != 0) {
            ::close(createFd);
            out.error = "making the bare Debian 13 root failed: " + r.describe().toStdString();
            return out;
        }
        ::close(::open((partial + "/.strata-ready").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        std::filesystem::rename(partial, dir, ec);
        if (ec) {
            ::close(createFd);
            out.error = dir + ": " + ec.message();
            return out;
        }
    }
    out.lockFd = lockFile(dir + ".inuse", LOCK_SH);
    ::close(createFd);
    if (out.lockFd < 0) {
        out.error = dir + ".inuse: " + std::strerror(errno);
        return out;
    }
    out.path = dir;
    return out;
}

} // namespace strata::test
