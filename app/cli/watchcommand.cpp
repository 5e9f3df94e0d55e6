// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl watch: every change made on the layers of a stack, live, with what it
// does to the merged view.
#include "commands.h"
#include "textformat.h"
#include "util/displayname.h"
#include "watch/stackwatcher.h"
#include "watch/viewtracker.h"
#include "watchjson.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace strata::cli {

using namespace strata::watch;

namespace {

constexpr std::array kWatchOptions = {
    OptionSpec {"count", true},
    OptionSpec {"timeout", true},
    OptionSpec {"method", true},
};

// One line per event. The reader is often a pipe, where stdout is fully buffered:
// flush() goes after each delivery from the watcher, so a line is never held back
// while the next events are awaited, and a burst of 10,000 lines is written in a
// few large writes instead of 10,000 small ones.
class Feed {
public:
    explicit Feed(bool json)
        : m_json(json)
    { }
    void json(Json j)
    {
        j["schema"] = kJsonSchemaVersion;
        const std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
        std::fwrite(s.data(), 1, s.size(), stdout);
        std::fputc('\n', stdout);
    }
    void text(const std::string &line)
    {
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
    }
    void flush() { std::fflush(stdout); }
    bool isJson() const { return m_json; }

private:
    bool m_json;
};

std::optional<double> parseSeconds(const std::string &s)
{
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || errno || *end || !(v > 0) || v > 1e7)
        return std::nullopt;
    return v;
}

void printEffects(Feed &feed, const std::vector<Effect> &effects, const std::string &indent)
{
    for (const auto &e : effects)
        feed.text(indent + effectText(e));
}

Json effectsJson(const std::vector<Effect> &effects)
{
    Json arr = Json::array();
    for (const auto &e : effects)
        arr.push_back(effectJson(e));
    return arr;
}

} // namespace

const CommandInfo kWatchCommand {
    "watch",
    "watch TARGET [--count N] [--timeout SECONDS] [--method M] [--json]",
    "Every change made on the stack's layers, live, with its effect on the merged view.",
    "Options:\n"
    "  --count N                stop after N changes\n"
    "  --timeout SECONDS        stop after this long (fractions allowed)\n"
    "  --method M               watch every layer with M: fanotify, inotify or polling\n"
    "                           (default: fanotify as root, else inotify; polling for\n"
    "                           FUSE, remote and pseudo filesystems whatever is asked)\n"
    "Ends on SIGINT or SIGTERM too. First prints how each layer is watched and why.\n",
    kWatchOptions,
};

int runWatch(std::span<const std::string> argv)
{
    const CommandInfo &info = kWatchCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    std::optional<int> count;
    if (const std::string *c = inv->args.last("count")) {
        count = parseCount(*c);
        if (!count || *count == 0)
            return usageError(info, makeError("--count", "'" + *c + "' is not a positive number"));
    }
    std::optional<double> timeout;
    if (const std::string *t = inv->args.last("timeout")) {
        timeout = parseSeconds(*t);
        if (!timeout)
            return usageError(info, makeError("--timeout", "'" + *t + "' is not a positive number of seconds"));
    }
    WatchOptions opts;
    if (const std::string *m = inv->args.last("method")) {
        opts.method = methodFromName(*m);
        if (!opts.method)
            return usageError(info, makeError("--method", "'" + *m + "' is not fanotify, inotify or polling"));
    }
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();

    // SIGINT/SIGTERM end the feed cleanly (through the poll loop, not a handler).
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    ::sigprocmask(SIG_BLOCK, &sigs, nullptr);
    UniqueFd sigFd(::signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK));

    auto watcher = StackWatcher::start(*stack, opts);
    if (!watcher)
        return commandFailed(info, inv->out, watcher.error());
    StackWatcher &w = **watcher;
    Feed feed(inv->out.json);
    bool partial = false;

    for (const auto &lw : w.layers()) {
        if (feed.isJson())
            feed.json(layerWatchJson(lw));
        else
            feed.text("layer " + std::to_string(lw.layer) + " (" + std::string(stack::roleName(lw.role))
                      + "): " + std::string(methodName(lw.method)) + ": " + lw.reason);
    }
    auto problem = [&](const Error &e, const std::vector<int> &layers) {
        partial = true;
        if (feed.isJson()) {
            Json j;
            j["type"] = "problem";
            j["layers"] = layers;
            j["error"] = errorJson(e);
            feed.json(std::move(j));
        } else {
            feed.text("problem: " + e.message());
        }
    };
    // Every directory of every layer is registered (changes in hidden dirs are shown
    // too: they may be revealed later), then the merged view loaded as the "before".
    if (auto n = w.watchAll(); !n)
        problem(n.error(), {});
    ViewTracker tracker(*stack, &w);
    if (auto n = tracker.loadAll(); !n)
        return commandFailed(info, inv->out, n.error());
    // Changes made while loading the view are not in its "before": drop them (the
    // loaded view already shows their result).
    w.flush();
    (void)w.take();
    if (feed.isJson()) {
        Json j;
        j["type"] = "ready";
        j["watched_dirs"] = w.watchedDirs();
        j["loaded_dirs"] = tracker.loadedDirs();
        j["loaded_entries"] = tracker.loadedEntries();
        feed.json(std::move(j));
    } else {
        feed.text("watching " + std::to_string(w.watchedDirs())
                  + " directories; merged view: " + std::to_string(tracker.loadedDirs()) + " directories, "
                  + std::to_string(tracker.loadedEntries()) + " entries");
    }
    feed.flush();

    auto printChange = [&](const LayerChange &c, const std::vector<Effect> &effects) {
        if (feed.isJson()) {
            Json j = changeJson(c);
            j["effects"] = effectsJson(effects);
            feed.json(std::move(j));
            return;
        }
        std::string line = clockText(c.time) + "  layer " + std::to_string(c.layer) + " ("
            + std::string(stack::roleName(c.role)) + ")  " + (c.path.empty() ? "/" : displayName(c.path));
        if (c.isDir)
            line += "/";
        line += "  ";
        bool first = true;
        for (const auto k : changeKindNames(c.kinds)) {
            line += (first ? "" : ",") + std::string(k);
            first = false;
        }
        if (!c.otherPath.empty())
            line += std::string((c.kinds & ChangeMovedTo) ? " from " : " to ") + displayName(c.otherPath);
        feed.text(line);
        printEffects(feed, effects, "    -> ");
    };
    auto handleNotice = [&](const WatchEvent &ev) {
        if (ev.type == WatchEvent::Type::Problem) {
            problem(ev.problem, ev.layers);
            return;
        }
        const std::vector<Effect> effects = tracker.rescan();
        if (feed.isJson()) {
            Json j;
            j["type"] = "overflow";
            j["layers"] = ev.layers;
            feed.json(std::move(j));
            Json r;
            r["type"] = "rescan";
            r["loaded_dirs"] = tracker.loadedDirs();
            r["effects"] = effectsJson(effects);
            feed.json(std::move(r));
            return;
        }
        std::string layers;
        for (const int l : ev.layers)
            layers += (layers.empty() ? "" : ",") + std::to_string(l);
        feed.text("overflow: events were lost on layer(s) " + layers + "; rescanned "
                  + std::to_string(tracker.loadedDirs()) + " loaded directories: " + std::to_string(effects.size())
                  + " differences");
        printEffects(feed, effects, "    -> ");
    };

    using Clock = std::chrono::steady_clock;
    const auto deadline = timeout
        ? Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*timeout))
        : Clock::time_point::max();
    int changes = 0;
    std::string endReason;
    while (endReason.empty()) {
        pollfd fds[2] = {{w.notifyFd(), POLLIN, 0}, {sigFd.get(), POLLIN, 0}};
        int wait = -1;
        if (timeout) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                endReason = "timeout";
                break;
            }
            wait = static_cast<int>(std::min<int64_t>(left, 1 << 30));
        }
        if (::poll(fds, sigFd ? 2 : 1, wait) < 0 && errno != EINTR)
            break;
        if (sigFd && (fds[1].revents & POLLIN)) {
            endReason = "signal";
            break;
        }
        std::vector<WatchEvent> events = w.take();
        // Consecutive changes go to the tracker together (a burst in one dir is
        // listed once); overflows and problems keep their place in the feed.
        for (size_t i = 0; i < events.size() && endReason.empty();) {
            if (events[i].type != WatchEvent::Type::Change) {
                handleNotice(events[i]);
                ++i;
                continue;
            }
            std::vector<LayerChange> batch;
            for (; i < events.size() && events[i].type == WatchEvent::Type::Change; ++i)
                batch.push_back(std::move(events[i].change));
            const auto effects = tracker.applyAll(batch);
            for (size_t k = 0; k < batch.size() && endReason.empty(); ++k) {
                printChange(batch[k], effects[k]);
                if (++changes >= count.value_or(INT_MAX))
                    endReason = "count";
            }
        }
        feed.flush();
    }
    if (feed.isJson()) {
        Json j;
        j["type"] = "end";
        j["reason"] = endReason.empty() ? "error" : endReason;
        j["changes"] = changes;
        j["complete"] = !partial;
        feed.json(std::move(j));
    } else {
        feed.text("end (" + (endReason.empty() ? std::string("error") : endReason) + "): " + std::to_string(changes)
                  + " changes");
    }
    feed.flush();
    return partial ? ExitPartial : ExitOk;
}

} // namespace strata::cli
