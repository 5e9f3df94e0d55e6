// SPDX-License-Identifier: GPL-2.0-or-later
#include "unionfixture.h"

#include "testenv.h"

#include <QDeadlineTimer>
#include <QThread>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <linux/capability.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>

namespace strata::test {

bool isMountPoint(const std::string &path)
{
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string id, parent, devno, root, mp;
        ls >> id >> parent >> devno >> root >> mp;
        if (mp == path)
            return true;
    }
    return false;
}

std::string fuseBinary()
{
    return binaryDir() + "/strata-fuse";
}

void writeFile(const std::string &path, const std::string &content, mode_t mode)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    ::chmod(path.c_str(), mode);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

UnionFixture::UnionFixture(int lowers, bool onTmpfs, const std::string &tmpfsSize)
    : m_dir("strata-engine")
    , m_lowers(lowers)
{
    if (onTmpfs) {
        const std::string opts = "mode=0755" + (tmpfsSize.empty() ? std::string() : ",size=" + tmpfsSize);
        m_tmpfs = ::mount("tmpfs", m_dir.path().c_str(), "tmpfs", 0, opts.c_str()) == 0;
    }
    for (int i = 0; i < lowers; ++i)
        std::filesystem::create_directories(lower(i));
    std::filesystem::create_directories(upper());
    std::filesystem::create_directories(work());
    std::filesystem::create_directories(mnt());
}

UnionFixture::~UnionFixture()
{
    unmount();
    if (m_tmpfs)
        ::umount2(m_dir.path().c_str(), MNT_DETACH);
}

void UnionFixture::placeUpperIn(const std::string &host)
{
    m_upperHost = host;
    std::filesystem::create_directories(upper());
    std::filesystem::create_directories(work());
}

void UnionFixture::resetWork(bool keepIndex) const
{
    std::filesystem::remove_all(keepIndex ? work() + "/work" : work());
    std::filesystem::create_directories(work());
}

long long UnionFixture::daemonPid() const
{
    return m_daemon ? m_daemon->processId() : 0;
}

std::string UnionFixture::lower(int i) const
{
    return m_dir / ("lower" + std::to_string(i));
}

void UnionFixture::addDataLayers(int n)
{
    m_dataLayers = n;
    for (int i = 0; i < n; ++i)
        std::filesystem::create_directories(dataLayer(i));
}

std::string UnionFixture::dataLayer(int i) const
{
    return m_dir / ("data" + std::to_string(i));
}

std::string UnionFixture::lowerdirOption() const
{
    std::string s;
    for (int i = 0; i < m_lowers; ++i)
        s += (i ? ":" : "") + lower(i);
    for (int i = 0; i < m_dataLayers; ++i)
        s += "::" + dataLayer(i);
    return s;
}

bool UnionFixture::mountFuse(const std::vector<std::string> &extraOptions, bool readOnly)
{
    std::string opts = "lowerdir=" + lowerdirOption();
    if (!readOnly)
        opts += ",upperdir=" + upper() + ",workdir=" + work();
    for (const auto &o : extraOptions)
        opts += "," + o;
    m_daemon = std::make_unique<QProcess>();
    m_daemon->setProcessChannelMode(QProcess::SeparateChannels);
    if (m_fdLimit) {
        const unsigned n = m_fdLimit;
        m_daemon->setChildProcessModifier([n] {
            const rlimit lim {n, n};
            ::setrlimit(RLIMIT_NOFILE, &lim);
            ::prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0);
        });
    }
    m_daemon->start(
        QString::fromStdString(fuseBinary()),
        {QStringLiteral("-f"), QStringLiteral("-o"), QString::fromStdString(opts), QString::fromStdString(mnt())});
    if (!m_daemon->waitForStarted(10000))
        return false;
    QDeadlineTimer deadline(15000);
    while (!isMountPoint(mnt())) {
        if (m_daemon->state() == QProcess::NotRunning || deadline.hasExpired()) {
            m_log += m_daemon->readAllStandardError().toStdString();
            return false;
        }
        m_daemon->waitForFinished(20); // returns early only if it died
    }
    return true;
}

bool UnionFixture::mountKernel(bool readOnly, const std::string &extra)
{
    // userxattr refuses redirect_dir=on (the kernel: "conflicting options").
    std::string opts = "lowerdir=" + lowerdirOption();
    if (extra.find("userxattr") == std::string::npos)
        opts += ",redirect_dir=on";
    if (!extra.empty())
        opts += "," + extra;
    if (!readOnly)
        opts += ",upperdir=" + upper() + ",workdir=" + work();
    return ::mount("overlay", mnt().c_str(), "overlay", 0, opts.c_str()) == 0;
}

bool UnionFixture::unmount()
{
    bool ok = true;
    if (isMountPoint(mnt())) {
        QDeadlineTimer deadline(10000);
        while (::umount2(mnt().c_str(), 0) != 0) {
            if (errno != EBUSY || deadline.hasExpired()) {
                ::umount2(mnt().c_str(), MNT_DETACH);
                ok = false;
                break;
            }
            QThread::msleep(20);
        }
    }
    if (m_daemon) {
        if (!m_daemon->waitForFinished(15000)) {
            m_daemon->kill();
            m_daemon->waitForFinished(5000);
            ok = false;
        }
        m_log += m_daemon->readAllStandardError().toStdString();
        ok = ok && m_daemon->exitStatus() == QProcess::NormalExit && m_daemon->exitCode() == 0;
        m_daemon.reset();
    }
    return ok;
}

std::string requireFuseAndKernel()
{
    if (auto why = requireFuse(); !why.empty())
        return why;
    return requireKernelOverlay();
}

int runFuse(const std::vector<std::string> &args, std::string *err, int timeoutMs)
{
    QProcess p;
    QStringList a;
    for (const auto &s : args)
        a << QString::fromStdString(s);
    p.start(QString::fromStdString(fuseBinary()), a);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    if (err)
        *err = p.readAllStandardError().toStdString();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

std::string stackOnFuse(const UnionFixture &u, const UnionFixture &inner)
{
    const std::string fusectl = u.dir() / "fusectl";
    std::filesystem::create_directories(fusectl);
    struct stat st {};
    if (::mount("fusectl", fusectl.c_str(), "fusectl", 0, nullptr) != 0 || ::stat(inner.mnt().c_str(), &st) != 0
        || ::mount(inner.mnt().c_str(), u.lower(0).c_str(), nullptr, MS_BIND, nullptr) != 0)
        return {};
    return fusectl + "/" + std::to_string(minor(st.st_dev));
}

void unstackFromFuse(const UnionFixture &u)
{
    ::umount2(u.lower(0).c_str(), 0);
    ::umount2((u.dir() / "fusectl").c_str(), 0);
}

int waitingRequests(const std::string &connection)
{
    std::ifstream in(connection + "/waiting");
    int n = -1;
    in >> n;
    return n;
}

bool stopDaemon(pid_t pid, int seconds)
{
    if (::kill(pid, SIGSTOP) != 0)
        return false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    while (std::chrono::steady_clock::now() < deadline) {
        bool allStopped = true;
        std::error_code ec;
        for (const auto &t : std::filesystem::directory_iterator(tasks, ec)) {
            // "pid (comm) S ...": the state follows the last ')'.
            std::ifstream in(t.path() / "stat");
            std::string line;
            std::getline(in, line);
            const auto paren = line.rfind(')');
            const char state = paren != std::string::npos && paren + 2 < line.size() ? line[paren + 2] : '?';
            if (state != 'T' && state != 't')
                allStopped = false;
        }
        if (!ec && allStopped)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

bool waitForHeldRequest(const std::string &connection, int seconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (waitingRequests(connection) <= 0) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

std::string runWhileHeld(std::future<bool> &held, pid_t stopped, const std::function<std::string()> &work, int seconds)
{
    auto done = std::async(std::launch::async, work);
    std::string err;
    if (done.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready)
        err = "the requests waited for the held one";
    else if (held.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        err = "the held request was not held";
    ::kill(stopped, SIGCONT);
    const std::string workErr = done.get();
    return err.empty() ? workErr : err;
}

} // namespace strata::test
