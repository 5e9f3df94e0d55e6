// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier (root): churn. A writer keeps rewriting a lower layer (creates,
// rewrites, deletes, renames, directories made and removed) of a strata-fuse mount
// (lowerwatch=on) while two readers walk the union and the app, open on that mount,
// updates its tree model live under QAbstractItemModelTester (offscreen). Nothing
// deadlocks: the writer and the readers are threads the test waits for with a
// deadline, the GUI thread keeps running its event loop meanwhile. A walk error
// other than a name vanishing mid-walk (ENOENT, ESTALE) fails the test with its
// path and errno. Afterwards both
// views converge: the union equals a fresh kernel overlay mount of the same layers,
// and the model's rows under the churned directory are the names that mount shows.
#include "freshview.h"
#include "guitestmain.h"
#include "livewatch.h"
#include "mainwindow.h"
#include "mergedtreemodel.h"
#include "testenv.h"
#include "treepanel.h"
#include "treesnapshot.h"
#include "unionfixture.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace strata;
using namespace strata::gui;
using namespace strata::test;

namespace {

constexpr int kWait = 20000; // every wait's bound, ms
constexpr int kChurnMs = 4000;
constexpr int kLowers = 2;

// One writer step on `dir` (a lower's churn/ directory), seeded.
void churnStep(std::mt19937_64 &r, const std::string &dir)
{
    const std::string a = dir + "/n" + std::to_string(r() % 40);
    const std::string b = dir + "/n" + std::to_string(r() % 40);
    std::error_code ec;
    switch (r() % 6) {
    case 0:
    case 1:
        std::filesystem::remove_all(a, ec); // a dir there becomes a file
        writeFile(a, std::string(r() % 3000, 'x'));
        break;
    case 2:
        std::filesystem::remove_all(a, ec);
        break;
    case 3:
        std::filesystem::rename(a, b, ec);
        break;
    case 4:
        std::filesystem::remove_all(a, ec);
        writeFile(a + "/inner", "i");
        break;
    default:
        std::filesystem::permissions(a, r() % 2 ? std::filesystem::perms(0600) : std::filesystem::perms(0644), ec);
        break;
    }
}

// Runs `f` on a thread until `stop`; returns how many rounds it made, or -1 when it
// did not end within kWait of `stop` (a deadlock). The GUI thread's event loop
// runs meanwhile (QTest::qWait).
class Worker {
public:
    explicit Worker(std::function<void()> f)
        : m_thread([this, f = std::move(f)] {
            while (!m_stop.load())
                f(), ++m_rounds;
            m_done.store(true);
        })
    { }
    ~Worker()
    {
        m_stop.store(true);
        if (m_done.load())
            m_thread.join();
        else
            m_thread.detach(); // hung: the test has failed already; never block on it
    }
    void stop() { m_stop.store(true); }
    long finish()
    {
        stop();
        QElapsedTimer t;
        t.start();
        while (!m_done.load() && t.elapsed() < kWait)
            QTest::qWait(10);
        return m_done.load() ? m_rounds.load() : -1;
    }

private:
    std::atomic<bool> m_stop {false}, m_done {false};
    std::atomic<long> m_rounds {0};
    std::thread m_thread;
};

// A name vanishing between its listing and its lstat or opening (ENOENT; ESTALE
// when the daemon's handle of it went with it) is what churn does; so is a
// directory turned into a file between its lstat and its opening (ENOTDIR, there
// only). Anything else (EIO, ELOOP, EINVAL...) is the union failing.
bool churnRace(int err)
{
    return err == ENOENT || err == ESTALE;
}

void walkError(std::vector<std::string> &errors, const std::string &path, const char *call, int err)
{
    errors.push_back(path + ": " + call + ": " + std::strerror(err) + " (errno " + std::to_string(err) + ")");
}

// Walks `dir` as find(1) does (open, list, lstat each entry, descend into the
// directories), recording every failure churn does not explain.
void walkTree(const std::string &dir, std::vector<std::string> &errors)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (!churnRace(errno) && errno != ENOTDIR)
            walkError(errors, dir, "open", errno);
        return;
    }
    DIR *d = ::fdopendir(fd);
    if (!d) {
        walkError(errors, dir, "fdopendir", errno);
        ::close(fd);
        return;
    }
    std::vector<std::string> subdirs;
    for (;;) {
        errno = 0;
        const dirent *e = ::readdir(d);
        if (!e) {
            if (errno != 0 && !churnRace(errno))
                walkError(errors, dir, "readdir", errno);
            break;
        }
        const std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        struct stat st {};
        if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (!churnRace(errno))
                walkError(errors, dir + "/" + name, "lstat", errno);
            continue;
        }
        if (S_ISDIR(st.st_mode))
            subdirs.push_back(dir + "/" + name);
    }
    ::closedir(d);
    for (const auto &s : subdirs)
        walkTree(s, errors);
}

// The names the model shows under `path` (loaded rows only).
std::set<std::string> modelNames(const MergedTreeModel *m, const std::string &path)
{
    std::set<std::string> out;
    const QModelIndex parent = m->indexForPath(path);
    for (int r = 0; parent.isValid() && r < m->rowCount(parent); ++r) {
        const std::string p = m->mergedPath(m->index(r, 0, parent));
        out.insert(p.substr(p.rfind('/') + 1));
    }
    return out;
}

// The names directly under `path` in a snapshot.
std::set<std::string> snapshotNames(const Snapshot &s, const std::string &path)
{
    std::set<std::string> out;
    for (const auto &[p, e] : s)
        if (p.size() > path.size() + 1 && p.compare(0, path.size() + 1, path + "/") == 0
            && p.find('/', path.size() + 1) == std::string::npos)
            out.insert(p.substr(path.size() + 1));
    return out;
}

std::string joinNames(const std::set<std::string> &s)
{
    std::string out;
    for (const auto &n : s)
        out += n + " ";
    return out;
}

} // namespace

class TestGuiLiveChurn : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writerReadersAndModel()
    {
        UnionFixture u(kLowers, true);
        for (int i = 0; i < 40; i += 3)
            writeFile(u.lower(1) + "/churn/n" + std::to_string(i), "bottom");
        writeFile(u.lower(0) + "/churn/n1", "top");
        writeFile(u.lower(0) + "/other/kept", "k");
        QVERIFY2(u.mountFuse({"lowerwatch=on"}), u.daemonLog().c_str());

        MainWindow w(nullptr);
        w.show();
        auto *model = w.treePanel()->model();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&w, &MainWindow::stackOpened);
        w.openTarget(QString::fromStdString(u.mnt()));
        QVERIFY(opened.wait(kWait));
        QTRY_VERIFY_WITH_TIMEOUT(w.liveWatch()->isRunning(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("churn").isValid(), kWait);
        QTreeView *view = w.treePanel()->view();
        view->expand(w.treePanel()->proxy()->mapFromSource(model->indexForPath("churn")));
        QTRY_VERIFY_WITH_TIMEOUT(model->indexForPath("churn/n1").isValid(), kWait);

        std::mutex errorsLock;
        std::vector<std::string> walkErrors; // "path: call: strerror (errno N)", each a real failure
        auto walk = [&] {
            std::vector<std::string> found;
            walkTree(u.mnt(), found);
            if (found.empty())
                return;
            std::lock_guard l(errorsLock);
            walkErrors.insert(walkErrors.end(), found.begin(), found.end());
        };
        std::mt19937_64 rng(9);
        const std::string churn1 = u.lower(1) + "/churn", churn0 = u.lower(0) + "/churn";
        long readerRounds[2] = {0, 0};
        long writerRounds = 0;
        {
            Worker writer([&] { churnStep(rng, rng() % 4 ? churn1 : churn0); });
            Worker reader1(walk), reader2(walk);
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < kChurnMs)
                QTest::qWait(20); // the model takes the live updates meanwhile
            writerRounds = writer.finish();
            readerRounds[0] = reader1.finish();
            readerRounds[1] = reader2.finish();
        }
        qInfo("churn: %ld writer steps, %ld and %ld union walks, %zu walk errors", writerRounds, readerRounds[0],
              readerRounds[1], walkErrors.size());
        QVERIFY2(writerRounds > 0, "the writer did not finish within its bound");
        QVERIFY2(readerRounds[0] > 0 && readerRounds[1] > 0, "a reader did not finish within its bound (deadlock?)");
        {
            std::lock_guard l(errorsLock); // the readers have ended
            std::string first;
            for (size_t k = 0; k < walkErrors.size() && k < 10; ++k)
                first += walkErrors[k] + "\n";
            QVERIFY2(walkErrors.empty(), ("walk errors:\n" + first).c_str());
        }

        // The union converges on a fresh kernel mount of the same layers.
        long long ms = 0;
        const std::string why = convergeToFresh(u, kLowers, {}, kWait, &ms);
        QVERIFY2(why.empty(), (why + "\n" + u.daemonLog()).c_str());
        qInfo("union converged %lld ms after the churn", ms);

        // The model converges on the names that mount shows under churn/.
        std::string err;
        const std::set<std::string> want = snapshotNames(freshKernelView(u, kLowers, {}, &err), "churn");
        QVERIFY2(err.empty(), err.c_str());
        w.liveWatch()->flush();
        QTRY_VERIFY2_WITH_TIMEOUT(
            modelNames(model, "churn") == want,
            ("model: " + joinNames(modelNames(model, "churn")) + "\nfresh: " + joinNames(want)).c_str(), kWait);
        QVERIFY(model->indexForPath("other/kept").isValid() || !model->indexForPath("other").isValid());
        w.close();
        QVERIFY2(u.unmount(), u.daemonLog().c_str());
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiLiveChurn, requireFuseAndKernel)
#include "test_gui_live_churn.moc"
