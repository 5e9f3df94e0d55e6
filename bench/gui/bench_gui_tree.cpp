// SPDX-License-Identifier: GPL-2.0-or-later
// strata-bench-gui-tree: the desktop app's tree at a million entries (issue 13 §3):
// opening the stack (first rows painted), expanding large directories (issue 4's
// target: < 100 ms), the bytes a loaded row holds, and the whole-tree regex search
// against `find | grep` over the layers, in one run. Not a timed test: it prints
// figures and their targets.
//
//   strata-bench-gui-tree [--dir DIR] [--entries N] [--reps N] [--skip-all] [--only PART]...
//
// --only open|expand|memory|search (repeatable) runs just those parts.
//
// The stack (two lowers and an upper, generated once and cached in DIR) holds
// directories of 1k, 10k, 50k and 100k entries amid a tree of small ones, with
// whiteouts and replaced files in the upper. For each big directory, with the
// directory already listed once ("scanned": the kernel's dentry and inode caches
// warm, as after the app's layer count), it measures the time to the first rows and
// to all rows: core's streamed listing alone, from fetchMore on the view's model (the
// filter proxy over MergedTreeModel) to rows inserted, and through a QTreeView
// (expand() to rows laid out).
#include "mergedtreemodel.h"
#include "ovl/whiteout.h"
#include "pathsearch.h"
#include "stack/layerstack.h"
#include "treefilterproxy.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <malloc.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace strata;

extern char **environ;

namespace {

struct Options {
    std::string dir = "/var/tmp/strata-bench-gui";
    size_t entries = 1000000;
    int reps = 5;
    bool loadAll = true; // --skip-all: no whole-tree load (memory) nor search
    std::vector<std::string> only; // --only: these parts alone
    bool runs(const std::string &part) const
    {
        if (!only.empty())
            return std::find(only.begin(), only.end(), part) != only.end();
        return loadAll || (part != "memory" && part != "search");
    }
};

const size_t kBigDirs[] = {1000, 10000, 50000, 100000};

[[noreturn]] void die(const std::string &msg)
{
    std::fprintf(stderr, "strata-bench-gui-tree: %s\n", msg.c_str());
    std::exit(1);
}

void mkdirOk(const std::string &path)
{
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        die(path + ": " + std::strerror(errno));
}

void makeFile(const std::string &path, off_t size)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die(path + ": " + std::strerror(errno));
    if (size > 0 && ::ftruncate(fd, size) != 0) // sparse: sizes without data
        die(path + ": " + std::strerror(errno));
    ::close(fd);
}

void generate(const Options &o, const std::string &marker)
{
    std::printf("generating %zu entries in %s (once; cached) ...\n", o.entries, o.dir.c_str());
    std::fflush(stdout);
    QElapsedTimer t;
    t.start();
    if (std::system(("rm -rf --one-file-system '" + o.dir + "'").c_str()) != 0)
        die("cannot clear " + o.dir);
    for (const char *d : {"", "/l0", "/l1", "/up", "/work"})
        mkdirOk(o.dir + d);
    size_t made = 0;
    // The big directories: in the bottom layer, each tenth file replaced in the
    // middle layer, each twentieth deleted (a whiteout) in the upper.
    for (size_t n : kBigDirs) {
        const std::string name = "/big" + std::to_string(n);
        for (const char *l : {"/l0", "/l1", "/up"})
            mkdirOk(o.dir + l + name);
        const int up = ::open((o.dir + "/up" + name).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; i < n; ++i, ++made) {
            const std::string file = "/file" + std::to_string(i) + ".so";
            makeFile(o.dir + "/l0" + name + file, off_t(i % 16384));
            if (i % 10 == 3)
                makeFile(o.dir + "/l1" + name + file, off_t(i % 8192));
            if (i % 20 == 7 && !ovl::makeWhiteout(up, file.substr(1)))
                die("whiteout in " + name + " (needs CAP_MKNOD: run as root)");
        }
        ::close(up);
    }
    // The rest: a tree of small directories of 200 files each.
    for (size_t d = 0; made < o.entries; ++d) {
        const std::string dir = o.dir + "/l0/tree" + std::to_string(d / 50);
        mkdirOk(dir);
        const std::string sub = dir + "/d" + std::to_string(d % 50);
        mkdirOk(sub);
        made += 1;
        for (size_t f = 0; f < 200 && made < o.entries; ++f, ++made)
            makeFile(sub + "/f" + std::to_string(f), off_t(f * 37));
    }
    std::ofstream(marker) << o.entries << "\n";
    std::printf("generated in %.1f s\n", double(t.elapsed()) / 1000);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct Figures {
    std::vector<double> coreFirst, coreAll, modelFirst, modelAll, viewFirst, viewAll;
};

// The floor: core's streamed listing alone (MergedTree::list, as the model's worker
// calls it): its first batch, and the end.
bool measureCore(const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir, Figures &f)
{
    stack::MergedTree tree(stack);
    stack::ListOptions opts;
    opts.includeWhiteouts = true;
    QElapsedTimer t;
    t.start();
    double first = -1;
    const auto listing = tree.list(dir, opts, [&](std::vector<stack::MergedEntry> &&) {
        if (first < 0)
            first = double(t.nsecsElapsed()) / 1e6;
        return true;
    });
    f.coreAll.push_back(double(t.nsecsElapsed()) / 1e6);
    f.coreFirst.push_back(first);
    return bool(listing);
}

// Loads the root of a fresh tree; the index of `dir` in the proxy.
QModelIndex loadRoot(gui::MergedTreeModel &model, gui::TreeFilterProxy &proxy,
                     const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir)
{
    model.setTree(std::make_shared<stack::MergedTree>(stack));
    QSignalSpy loaded(&model, &gui::MergedTreeModel::loadingChanged);
    if (proxy.canFetchMore({}))
        proxy.fetchMore({});
    while (model.pendingFetches() > 0)
        if (!loaded.wait(60000))
            return {};
    return proxy.mapFromSource(model.indexForPath(dir));
}

// A fresh model and filter proxy with the root listed; `parent` is `dir` in the proxy.
struct Loaded {
    gui::MergedTreeModel model;
    gui::TreeFilterProxy proxy;
    QModelIndex parent;
    Loaded(const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir)
    {
        proxy.setSourceModel(&model);
        parent = loadRoot(model, proxy, stack, dir);
    }
};

// One expansion on a fresh model + proxy: fetchMore -> first rows inserted in the
// proxy, and -> the directory listed completely.
bool measureModel(const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir, Figures &f, int &rows)
{
    Loaded l(stack, dir);
    auto &[model, proxy, parent] = l;
    if (!parent.isValid())
        return false;

    QElapsedTimer t;
    double first = -1;
    QObject::connect(&proxy, &QAbstractItemModel::rowsInserted, &proxy, [&](const QModelIndex &p) {
        if (p == parent && first < 0)
            first = double(t.nsecsElapsed()) / 1e6;
    });
    QSignalSpy loaded(&model, &gui::MergedTreeModel::loadingChanged);
    t.start();
    proxy.fetchMore(parent);
    while (model.pendingFetches() > 0)
        if (!loaded.wait(60000))
            return false;
    f.modelAll.push_back(double(t.nsecsElapsed()) / 1e6);
    f.modelFirst.push_back(first);
    rows = proxy.rowCount(parent);
    return true;
}

// A tree view of `proxy` on screen and painted before any clock starts, as in the
// app: the first paint of a new window (styles, fonts) is not part of what is timed.
bool showView(QTreeView &view, QAbstractItemModel &proxy)
{
    view.setUniformRowHeights(true);
    view.setModel(&proxy);
    view.resize(1000, 700);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return false;
    QCoreApplication::processEvents();
    return true;
}

// The same through a QTreeView: expand() to the first rows laid out, and to the
// whole directory inserted and laid out (scrolled to its last row).
bool measureView(const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir, Figures &f)
{
    Loaded l(stack, dir);
    auto &[model, proxy, parent] = l;
    if (!parent.isValid())
        return false;
    QTreeView view;
    if (!showView(view, proxy))
        return false;
    QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);
    QElapsedTimer t;
    t.start();
    view.expand(parent);
    while (proxy.rowCount(parent) == 0)
        if (!inserted.wait(60000))
            return false;
    QCoreApplication::processEvents(); // the delayed layout runs here
    f.viewFirst.push_back(double(t.nsecsElapsed()) / 1e6);
    QSignalSpy loaded(&model, &gui::MergedTreeModel::loadingChanged);
    while (model.pendingFetches() > 0)
        if (!loaded.wait(60000))
            return false;
    view.scrollTo(proxy.index(proxy.rowCount(parent) - 1, 0, parent));
    QCoreApplication::processEvents();
    f.viewAll.push_back(double(t.nsecsElapsed()) / 1e6);
    return true;
}

long rssKiB()
{
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

// What the model holds per row: resident memory grown by loading `dir` into a fresh
// model (freed memory handed back to the system first, so it is not reused).
bool measureRowMemory(const std::shared_ptr<const stack::LayerStack> &stack, const std::string &dir, double &perRow)
{
    Loaded l(stack, dir);
    auto &[model, proxy, parent] = l;
    if (!parent.isValid())
        return false;
    ::malloc_trim(0);
    const long before = rssKiB();
    QSignalSpy loaded(&model, &gui::MergedTreeModel::loadingChanged);
    proxy.fetchMore(parent);
    while (model.pendingFetches() > 0)
        if (!loaded.wait(60000))
            return false;
    ::malloc_trim(0);
    perRow = double(rssKiB() - before) * 1024 / std::max(1, proxy.rowCount(parent));
    return true;
}

// Opening: the stack is read (LayerStack::fromSpec, not timed), then the time from
// handing the tree to a view already on screen to its first rows painted (the root
// listed through the model and the proxy, the viewport repainted).
bool measureOpen(const stack::StackSpec &spec, std::vector<double> &out)
{
    auto opened = stack::LayerStack::fromSpec(spec);
    if (!opened)
        return false;
    gui::MergedTreeModel model;
    gui::TreeFilterProxy proxy;
    proxy.setSourceModel(&model);
    QTreeView view;
    if (!showView(view, proxy))
        return false;
    QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);
    QElapsedTimer t;
    t.start();
    model.setTree(std::make_shared<stack::MergedTree>(*opened));
    if (proxy.canFetchMore({}))
        proxy.fetchMore({}); // what the view asks on its next layout; asked here so the clock sees it
    while (proxy.rowCount() == 0)
        if (!inserted.wait(60000))
            return false;
    QCoreApplication::processEvents(); // the delayed layout
    view.viewport()->repaint(); // painted, synchronously
    out.push_back(double(t.nsecsElapsed()) / 1e6);
    return true;
}

// Every directory of the tree loaded into one model (through the proxy, as a view
// expanding everything would): rows, the rows' own storage per row (counted), and
// the resident growth per row (model and proxy, after malloc_trim).
struct AllRows {
    size_t rows = 0;
    double seconds = 0, countedPerRow = 0, residentPerRow = 0;
};
bool measureAllRows(const std::shared_ptr<const stack::LayerStack> &stack, AllRows &out)
{
    ::malloc_trim(0);
    const long before = rssKiB();
    {
        gui::MergedTreeModel model;
        gui::TreeFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setTree(std::make_shared<stack::MergedTree>(stack));
        QElapsedTimer t;
        t.start();
        // Breadth first over the proxy: each directory fetched once, then its rows read.
        std::vector<QPersistentModelIndex> todo {QPersistentModelIndex()};
        QSignalSpy loaded(&model, &gui::MergedTreeModel::loadingChanged);
        while (!todo.empty()) {
            std::vector<QPersistentModelIndex> level;
            for (const auto &p : todo)
                if (proxy.canFetchMore(p))
                    proxy.fetchMore(p);
            while (model.pendingFetches() > 0)
                if (!loaded.wait(120000))
                    return false;
            for (const auto &p : todo)
                for (int r = 0; r < proxy.rowCount(p); ++r) {
                    const QModelIndex c = proxy.index(r, 0, p);
                    if (c.data(gui::MergedTreeModel::IsDirRole).toBool())
                        level.emplace_back(c);
                }
            todo = std::move(level);
        }
        out.seconds = double(t.nsecsElapsed()) / 1e9;
        out.rows = model.loadedRows();
        out.countedPerRow = double(model.bytesHeld()) / double(std::max<size_t>(1, out.rows));
        ::malloc_trim(0);
        out.residentPerRow = double(rssKiB() - before) * 1024 / double(std::max<size_t>(1, out.rows));
    }
    ::malloc_trim(0);
    return true;
}

double runShell(const std::string &command)
{
    const char *argv[] = {"sh", "-c", command.c_str(), nullptr};
    QElapsedTimer t;
    t.start();
    pid_t pid = 0;
    if (posix_spawnp(&pid, "sh", nullptr, nullptr, const_cast<char **>(argv), environ) != 0)
        die("cannot run sh");
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) // grep: 1 is "no match"
        die("failed: " + command);
    return double(t.nsecsElapsed()) / 1e9;
}

// The whole-tree search (PathSearch: a worker walking the merged tree, progress
// signals while it runs) against `find LAYERS | grep -E` in the same run.
struct SearchFigures {
    std::vector<double> search, findGrep;
    quint64 seen = 0, matches = 0;
    int progressSignals = 0;
};
bool measureSearch(const std::shared_ptr<const stack::LayerStack> &stack, const std::vector<std::string> &layers,
                   const QString &pattern, SearchFigures &f)
{
    std::string cmd = "find";
    for (const auto &l : layers)
        cmd += " '" + l + "'";
    cmd += " | grep -E '" + pattern.toStdString() + "' > /dev/null";
    f.findGrep.push_back(runShell(cmd));

    gui::PathSearch search;
    QSignalSpy finished(&search, &gui::PathSearch::finished);
    QSignalSpy progress(&search, &gui::PathSearch::progressChanged);
    QElapsedTimer t;
    t.start();
    search.start(std::make_shared<stack::MergedTree>(stack), QRegularExpression(pattern), gui::SearchFilters {});
    if (!finished.wait(600000))
        return false;
    f.search.push_back(double(t.nsecsElapsed()) / 1e9);
    f.seen = finished.first().at(0).toULongLong();
    f.matches = finished.first().at(1).toULongLong();
    f.progressSignals = int(progress.count());
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--dir")
            o.dir = next();
        else if (a == "--entries")
            o.entries = std::stoul(next());
        else if (a == "--reps")
            o.reps = std::stoi(next());
        else if (a == "--skip-all")
            o.loadAll = false;
        else if (a == "--only")
            o.only.push_back(next());
        else
            die("usage: strata-bench-gui-tree [--dir DIR] [--entries N] [--reps N] [--skip-all] "
                "[--only open|expand|memory|search]...");
    }
    const std::string marker = o.dir + "/.strata-bench-gui";
    {
        std::ifstream in(marker);
        size_t entries = 0;
        if (!(in >> entries) || entries != o.entries)
            generate(o, marker);
    }
    stack::StackSpec spec;
    spec.lower = {o.dir + "/l1", o.dir + "/l0"};
    spec.upper = o.dir + "/up";
    spec.work = o.dir + "/work";
    auto opened = stack::LayerStack::fromSpec(spec);
    if (!opened)
        die(opened.error().message());

    std::printf("stack: %zu entries, 3 layers; %d reps, medians in ms\n", o.entries, o.reps);
    bool allMet = true;

    // Opening the stack: first rows painted after the stack is read.
    if (o.runs("open")) {
        std::vector<double> open;
        for (int r = 0; r < o.reps; ++r)
            if (!measureOpen(spec, open))
                die("opening the stack failed or timed out");
        const bool openMet = median(open) <= 300;
        allMet = allMet && openMet;
        std::printf("open: first rows painted %.1f ms after the stack is read (target <= 300 ms: %s)\n\n", median(open),
                    openMet ? "met" : "MISSED");
    }

    if (o.runs("expand")) {
        std::printf("%-10s %7s | %8s %8s | %8s %8s | %8s %8s | %s\n", "dir", "rows", "core 1st", "all", "model 1st",
                    "all", "view 1st", "all", "target");
        for (size_t n : kBigDirs) {
            const std::string dir = "big" + std::to_string(n);
            Figures f;
            int rows = 0;
            // The first expansion "scans" (warms the caches); it is not counted.
            if (!measureModel(*opened, dir, f, rows))
                die("expanding " + dir + " failed or timed out");
            f = {};
            for (int r = 0; r < o.reps; ++r) {
                if (!measureCore(*opened, dir, f) || !measureModel(*opened, dir, f, rows)
                    || !measureView(*opened, dir, f))
                    die("expanding " + dir + " failed or timed out");
            }
            const double worst = std::max(median(f.modelFirst), median(f.viewFirst));
            allMet = allMet && worst < 100;
            std::printf("%-10s %7d | %8.1f %8.1f | %8.1f %8.1f | %8.1f %8.1f | %s\n", dir.c_str(), rows,
                        median(f.coreFirst), median(f.coreAll), median(f.modelFirst), median(f.modelAll),
                        median(f.viewFirst), median(f.viewAll), worst < 100 ? "met" : "MISSED");
            std::fflush(stdout);
        }
        double perRow = 0;
        if (measureRowMemory(*opened, "big" + std::to_string(kBigDirs[std::size(kBigDirs) - 1]), perRow))
            std::printf("memory: expanding big%zu grew the resident set by %.0f bytes per row (model and proxy)\n",
                        kBigDirs[std::size(kBigDirs) - 1], perRow);
    }
    if (o.runs("memory")) {
        AllRows all;
        if (!measureAllRows(*opened, all))
            die("loading the whole tree failed or timed out");
        const bool memMet = all.countedPerRow <= 100;
        allMet = allMet && memMet;
        std::printf("whole tree loaded: %zu rows in %.1f s; the rows' storage %.1f bytes per row (target <= 100: %s), "
                    "resident growth %.1f bytes per row (model and proxy)\n",
                    all.rows, all.seconds, all.countedPerRow, memMet ? "met" : "MISSED", all.residentPerRow);
        std::fflush(stdout);
    }
    if (o.runs("search")) {
        // A pattern matching about one path in a thousand, anywhere in the tree.
        const QString pattern = QStringLiteral("/d1[0-9]/f1[0-9]7$|file9[0-9]{3}7\\.so$");
        SearchFigures sf;
        const int reps = std::min(o.reps, 3);
        for (int r = 0; r < reps; ++r)
            if (!measureSearch(*opened, {o.dir + "/up", o.dir + "/l1", o.dir + "/l0"}, pattern, sf))
                die("the search failed or timed out");
        const double ratio = median(sf.search) / median(sf.findGrep);
        allMet = allMet && ratio <= 2;
        std::printf("search '%s': %llu entries seen, %llu matches, %d progress updates; %.2f s against find | grep "
                    "%.2f s over the layers: %.2fx (target <= 2x: %s)\n",
                    qPrintable(pattern), static_cast<unsigned long long>(sf.seen),
                    static_cast<unsigned long long>(sf.matches), sf.progressSignals, median(sf.search),
                    median(sf.findGrep), ratio, ratio <= 2 ? "met" : "MISSED");
    }
    std::printf("1st: time to the first rows; all: time to the whole directory.\n"
                "core: MergedTree::list streamed alone (the floor the model cannot go below);\n"
                "model: fetchMore to rows inserted in the proxy; view: QTreeView expand() to rows laid out.\n"
                "targets: first rows through the model and the view < 100 ms; open <= 300 ms; <= 100 bytes per\n"
                "loaded row; search <= 2x find | grep.\n");
    return allMet ? 0 : 3;
}
