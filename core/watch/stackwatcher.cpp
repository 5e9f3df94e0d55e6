// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackwatcher.h"

#include "coalescer.h"
#include "fanotifysource.h"
#include "fsprobe.h"
#include "inotifysource.h"
#include "pollsource.h"
#include "stack/dirreader.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <poll.h>
#include <set>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <thread>

namespace strata::watch {

using namespace std::chrono;

struct StackWatcher::Impl {
    std::shared_ptr<const stack::LayerStack> stack;
    WatchOptions opts;
    std::vector<LayerWatch> layers;
    std::unique_ptr<FanotifySource> fan;
    std::unique_ptr<InotifySource> ino;
    std::unique_ptr<PollSource> poll;

    UniqueFd wakeFd; // commands to the thread
    UniqueFd notifyFd; // readable while `queue` is not empty
    std::thread thread;
    std::atomic<bool> stopping {false};

    // The thread's own state.
    Coalescer coalescer;
    std::set<int> overflowed;

    std::mutex mutex; // guards what follows
    std::condition_variable cond;
    std::deque<WatchEvent> queue;
    size_t queuedChanges = 0;
    uint64_t flushRequested = 0;
    uint64_t flushDone = 0;
    std::set<std::pair<int, int>> problemsSaid; // (layer, errno): each said once

    Source *sourceFor(int layer) const
    {
        switch (layers[static_cast<size_t>(layer)].method) {
        case Method::Fanotify:
            return fan.get();
        case Method::Inotify:
            return ino.get();
        case Method::Polling:
            return poll.get();
        }
        return nullptr;
    }

    bool validLayer(int layer) const { return layer >= 0 && static_cast<size_t>(layer) < layers.size(); }

    void pushEvent(WatchEvent &&ev) // mutex held
    {
        const bool wasEmpty = queue.empty();
        if (ev.type == WatchEvent::Type::Change)
            ++queuedChanges;
        queue.push_back(std::move(ev));
        if (wasEmpty) {
            const uint64_t one = 1;
            [[maybe_unused]] const ssize_t w = ::write(notifyFd.get(), &one, sizeof(one));
        }
        cond.notify_all();
    }

    void problem(const Error &e, int layer)
    {
        std::lock_guard lock(mutex);
        if (!problemsSaid.insert({layer, e.code}).second)
            return;
        WatchEvent ev;
        ev.type = WatchEvent::Type::Problem;
        ev.problem = e;
        if (layer >= 0)
            ev.layers.push_back(layer);
        pushEvent(std::move(ev));
    }

    Result<void> registerOpen(int layer, const std::string &path, int dirFd)
    {
        Source *s = sourceFor(layer);
        if (!s)
            return fail(makeError("layer " + std::to_string(layer), "not watched", EINVAL));
        auto r = s->addDir(layer, path, dirFd);
        if (!r)
            problem(r.error(), layer);
        return r;
    }

    Result<void> registerDir(int layer, const std::string &path)
    {
        if (!validLayer(layer))
            return fail(makeError(std::to_string(layer), "no such layer", EINVAL));
        const stack::Layer &l = stack->layers()[static_cast<size_t>(layer)];
        auto fd = stack::openLayerDir(l.fd.get(), path, true);
        if (!fd)
            return fail(fd.error());
        return registerOpen(layer, path, fd->get());
    }

    // A directory appeared inside a registered one: register it, then report what
    // it already holds (created before the registration, so no event said so).
    void follow(int layer, const std::string &path, std::vector<RawChange> &more, size_t &budget)
    {
        const stack::Layer &l = stack->layers()[static_cast<size_t>(layer)];
        auto fd = stack::openLayerDir(l.fd.get(), path, true);
        if (!fd || !registerOpen(layer, path, fd->get()))
            return;
        auto entries = stack::readLayerDir(fd->get(), path);
        if (!entries)
            return;
        for (auto &e : *entries) {
            if (budget == 0)
                return;
            --budget;
            more.push_back(RawChange {layer, joinLayerPath(path, e.name), ChangeCreated, S_ISDIR(e.st.st_mode), {}});
        }
    }

    size_t room() // thread only
    {
        std::lock_guard lock(mutex);
        const size_t used = queuedChanges + coalescer.size();
        return used >= opts.maxPending ? 0 : opts.maxPending - used;
    }

    void absorb(SourceOutput &&out)
    {
        for (const auto &e : out.problems)
            problem(e, -1);
        overflowed.insert(out.overflowed.begin(), out.overflowed.end());
        // Follow new dirs breadth-first, bounded per pass so a huge copied-in tree
        // cannot stall delivery (the rest is reported by the dirs' own events).
        size_t budget = 100000;
        std::deque<RawChange> work(std::make_move_iterator(out.changes.begin()),
                                   std::make_move_iterator(out.changes.end()));
        size_t free = room();
        while (!work.empty()) {
            RawChange c = std::move(work.front());
            work.pop_front();
            if (!validLayer(c.layer))
                continue;
            if (opts.followNewDirs && c.isDir && (c.kinds & (ChangeCreated | ChangeMovedTo))
                && !(c.kinds & ChangeDeleted)) {
                std::vector<RawChange> more;
                follow(c.layer, c.path, more, budget);
                for (auto &m : more)
                    work.push_back(std::move(m));
            }
            const stack::Role role = layers[static_cast<size_t>(c.layer)].role;
            const int layer = c.layer;
            const size_t before = coalescer.size();
            if (!coalescer.add(std::move(c), role, free))
                overflowed.insert(layer);
            else if (coalescer.size() > before && free > 0)
                --free;
        }
    }

    void deliver()
    {
        std::vector<LayerChange> changes = coalescer.drain();
        std::lock_guard lock(mutex);
        for (auto &c : changes) {
            WatchEvent ev;
            ev.type = WatchEvent::Type::Change;
            ev.change = std::move(c);
            pushEvent(std::move(ev));
        }
        if (!overflowed.empty()) {
            WatchEvent ev;
            ev.type = WatchEvent::Type::Overflow;
            ev.layers.assign(overflowed.begin(), overflowed.end());
            overflowed.clear();
            pushEvent(std::move(ev));
        }
    }

    void readSources(bool tick)
    {
        SourceOutput out;
        if (fan)
            fan->read(out);
        if (ino)
            ino->read(out);
        if (tick && poll)
            poll->read(out);
        absorb(std::move(out));
    }

    void run()
    {
        auto nextTick = steady_clock::now() + opts.pollInterval;
        while (!stopping.load()) {
            pollfd fds[3];
            nfds_t n = 0;
            fds[n++] = {wakeFd.get(), POLLIN, 0};
            if (fan)
                fds[n++] = {fan->fd(), POLLIN, 0};
            if (ino)
                fds[n++] = {ino->fd(), POLLIN, 0};
            const auto now = steady_clock::now();
            auto deadline = poll ? nextTick : now + seconds(3600);
            if (!coalescer.empty())
                deadline = std::min({deadline, coalescer.lastAt() + opts.settle, coalescer.firstAt() + opts.maxDelay});
            const int timeout = static_cast<int>(
                std::clamp<int64_t>(duration_cast<milliseconds>(deadline - now).count() + 1, 0, 3600 * 1000));
            if (::poll(fds, n, timeout) < 0 && errno != EINTR)
                break;
            bool flush = false;
            if (fds[0].revents & POLLIN) {
                uint64_t v = 0;
                [[maybe_unused]] const ssize_t r = ::read(wakeFd.get(), &v, sizeof(v));
                std::lock_guard lock(mutex);
                flush = flushRequested != flushDone;
            }
            const auto t = steady_clock::now();
            const bool tick = poll && (t >= nextTick || flush);
            if (tick)
                nextTick = t + opts.pollInterval;
            readSources(tick);
            const bool settled = !coalescer.empty()
                && (t >= coalescer.lastAt() + opts.settle || t >= coalescer.firstAt() + opts.maxDelay);
            if (flush || settled || !overflowed.empty())
                deliver();
            if (flush) {
                std::lock_guard lock(mutex);
                flushDone = flushRequested;
                cond.notify_all();
            }
        }
    }

    void wake()
    {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t w = ::write(wakeFd.get(), &one, sizeof(one));
    }
};

namespace {

std::optional<Method> forcedMethod(const WatchOptions &opts)
{
    if (opts.method)
        return opts.method;
    if (const char *env = std::getenv("STRATA_WATCH_METHOD"))
        return methodFromName(env);
    return std::nullopt;
}

} // namespace

Result<std::unique_ptr<StackWatcher>> StackWatcher::start(std::shared_ptr<const stack::LayerStack> stack,
                                                          const WatchOptions &opts)
{
    auto impl = std::make_unique<Impl>();
    impl->stack = stack;
    impl->opts = opts;
    impl->wakeFd.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    impl->notifyFd.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!impl->wakeFd || !impl->notifyFd)
        return fail(sysError(errno, "watcher", "cannot create an eventfd"));

    std::optional<Method> forced = forcedMethod(opts);
    std::string forcedNote = forced ? " (" + std::string(methodName(*forced)) + " requested)" : std::string();
    std::string inotifyWhy = "inotify requested";
    if (!forced && opts.preferred) {
        forced = opts.preferred;
        forcedNote = " (" + opts.preferredWhy + ")";
        inotifyWhy = opts.preferredWhy;
    }
    std::optional<Error> fanError;
    std::optional<Error> inoError;
    std::unordered_map<int, int> pollFds;
    const std::string every = std::to_string(opts.pollInterval.count()) + " ms";

    for (const stack::Layer &l : stack->layers()) {
        LayerWatch w;
        w.layer = l.index;
        w.role = l.role;
        const std::string fs = describeFs(l.fd.get());
        std::string why;
        if (const auto reason = needsPolling(l.fd.get())) {
            w.method = Method::Polling;
            w.reason = fs + ": " + *reason + "; its loaded directories are re-listed every " + every;
        } else if (forced == Method::Polling) {
            w.method = Method::Polling;
            w.reason = fs + ": polling requested; its loaded directories are re-listed every " + every;
        } else {
            bool placed = false;
            if (forced != Method::Inotify) {
                if (!impl->fan && !fanError) {
                    auto f = FanotifySource::create();
                    if (f)
                        impl->fan = std::move(*f);
                    else
                        fanError = f.error();
                }
                if (impl->fan) {
                    if (auto r = impl->fan->addLayer(l.index, l.fd.get())) {
                        w.method = Method::Fanotify;
                        w.reason = "filesystem mark on " + fs + forcedNote;
                        placed = true;
                    } else {
                        why = r.error().reason;
                    }
                } else {
                    why = fanError->reason;
                }
            } else {
                why = inotifyWhy;
            }
            if (!placed) {
                if (!impl->ino && !inoError) {
                    auto i = InotifySource::create();
                    if (i)
                        impl->ino = std::move(*i);
                    else
                        inoError = i.error();
                }
                if (impl->ino) {
                    impl->ino->addLayer(l.index);
                    w.method = Method::Inotify;
                    w.reason = "a watch per loaded directory on " + fs + " (fanotify not used: " + why + ")";
                } else {
                    w.method = Method::Polling;
                    w.reason = fs + ": neither fanotify (" + why + ") nor inotify (" + inoError->reason
                        + "); its loaded directories are re-listed every " + every;
                }
            }
        }
        if (w.method == Method::Polling)
            pollFds[l.index] = l.fd.get();
        impl->layers.push_back(std::move(w));
    }
    if (!pollFds.empty())
        impl->poll = std::make_unique<PollSource>(std::move(pollFds));

    Impl *raw = impl.get();
    try {
        impl->thread = std::thread([raw] { raw->run(); });
    } catch (const std::system_error &e) {
        return fail(
            makeError("watcher", std::string("cannot start the watcher thread: ") + e.what(), e.code().value()));
    }
    return std::unique_ptr<StackWatcher>(new StackWatcher(std::move(impl)));
}

StackWatcher::StackWatcher(std::unique_ptr<Impl> impl)
    : m_impl(std::move(impl))
{ }

StackWatcher::~StackWatcher()
{
    m_impl->stopping = true;
    m_impl->wake();
    if (m_impl->thread.joinable())
        m_impl->thread.join();
}

const stack::LayerStack &StackWatcher::stack() const
{
    return *m_impl->stack;
}

const std::vector<LayerWatch> &StackWatcher::layers() const
{
    return m_impl->layers;
}

Result<void> StackWatcher::watchDir(int layer, const std::string &pathInLayer)
{
    return m_impl->registerDir(layer, pathInLayer);
}

Result<void> StackWatcher::watchDirs(const stack::DirStack &dirs)
{
    // Every dir is tried: one that cannot be watched must not leave the rest unwatched.
    Result<void> first;
    for (const auto &d : dirs)
        if (auto r = m_impl->registerDir(d.layer, d.path); !r && first)
            first = r;
    return first;
}

void StackWatcher::unwatchDir(int layer, const std::string &pathInLayer)
{
    if (!m_impl->validLayer(layer))
        return;
    if (Source *s = m_impl->sourceFor(layer))
        s->removeDir(layer, pathInLayer);
}

Result<size_t> StackWatcher::watchAll(size_t maxDirs)
{
    size_t count = 0;
    for (const stack::Layer &l : m_impl->stack->layers()) {
        std::vector<std::string> todo {""};
        while (!todo.empty()) {
            if (count >= maxDirs)
                return count;
            const std::string path = std::move(todo.back());
            todo.pop_back();
            auto fd = stack::openLayerDir(l.fd.get(), path, true);
            if (!fd) {
                if (fd.error().code == ENOENT)
                    continue; // went since its parent was read
                return fail(fd.error());
            }
            if (auto r = m_impl->registerOpen(l.index, path, fd->get()); !r) {
                Error e = r.error();
                e.reason += " (after " + std::to_string(count) + " directories)";
                return fail(e);
            }
            ++count;
            auto entries = stack::readLayerDir(fd->get(), path);
            if (!entries)
                continue;
            for (const auto &e : *entries)
                if (S_ISDIR(e.st.st_mode))
                    todo.push_back(joinLayerPath(path, e.name));
        }
    }
    return count;
}

size_t StackWatcher::watchedDirs() const
{
    size_t n = 0;
    for (const Source *s :
         {static_cast<const Source *>(m_impl->fan.get()), static_cast<const Source *>(m_impl->ino.get()),
          static_cast<const Source *>(m_impl->poll.get())})
        if (s)
            n += s->dirCount();
    return n;
}

int StackWatcher::notifyFd() const
{
    return m_impl->notifyFd.get();
}

std::vector<WatchEvent> StackWatcher::take(size_t max)
{
    std::lock_guard lock(m_impl->mutex);
    std::vector<WatchEvent> out;
    while (!m_impl->queue.empty() && out.size() < max) {
        if (m_impl->queue.front().type == WatchEvent::Type::Change)
            --m_impl->queuedChanges;
        out.push_back(std::move(m_impl->queue.front()));
        m_impl->queue.pop_front();
    }
    if (m_impl->queue.empty()) {
        uint64_t v = 0;
        [[maybe_unused]] const ssize_t r = ::read(m_impl->notifyFd.get(), &v, sizeof(v));
    }
    return out;
}

bool StackWatcher::wait(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_impl->mutex);
    return m_impl->cond.wait_for(lock, timeout, [this] { return !m_impl->queue.empty(); });
}

void StackWatcher::flush()
{
    std::unique_lock lock(m_impl->mutex);
    const uint64_t want = ++m_impl->flushRequested;
    m_impl->wake();
    // Bounded: the thread answers within one pass; a stopped thread never will.
    m_impl->cond.wait_for(lock, seconds(10), [&] { return m_impl->flushDone >= want || m_impl->stopping; });
}

} // namespace strata::watch
