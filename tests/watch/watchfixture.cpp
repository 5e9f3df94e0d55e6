// SPDX-License-Identifier: GPL-2.0-or-later
#include "watchfixture.h"

#include "ovl/values.h"
#include "ovl/xattrs.h"
#include "stack/mergedtree.h"
#include "util/uniquefd.h"

#include <chrono>
#include <deque>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

namespace strata::test {

using namespace strata::watch;

namespace {

const char *const kLayerNames[] = {"upper", "lower1", "lower2", "data"};

} // namespace

WatchFixture::WatchFixture()
{
    m_fs = m_tmp / "fs";
    if (::mkdir(m_fs.c_str(), 0755) != 0 || ::mount("tmpfs", m_fs.c_str(), "tmpfs", 0, "mode=0755") != 0) {
        m_error = "cannot mount a tmpfs for the layers";
        return;
    }
    const ovl::Namespace ns = ovl::Namespace::Trusted;
    const LayerBuilder up(layerDir(0), ns), l1(layerDir(1), ns), l2(layerDir(2), ns), data(layerDir(3), ns);
    std::string e;
    auto step = [&](std::string r) {
        if (e.empty())
            e = std::move(r);
    };
    step(up.file("fu", "up"));
    step(up.dir("ed"));
    step(up.file("sub/c", "c"));
    // Metacopy in a lower: the kernel follows a redirect into the data-only layers
    // only from a lower metacopy file (an upper one fails its lookup with EIO).
    step(l1.file("meta", ""));
    step(l1.file("f1", "one"));
    step(l1.file("d1/y", "y"));
    step(l1.dir("d1e"));
    step(l1.file("sub/b", "b"));
    step(l1.file("shared", "middle"));
    step(l2.file("f2", "two"));
    step(l2.file("d2/x", "x"));
    step(l2.dir("d2e"));
    step(l2.file("sub/a", "a"));
    step(l2.file("shared", "bottom"));
    step(data.file("blob", "data!"));
    step(l1.redirect("meta", "/blob"));
    if (e.empty()) {
        // A metacopy file has the size of its data.
        if (::truncate((l1 / "meta").c_str(), 5) != 0)
            e = "truncate meta failed";
        const UniqueFd dir(::open(layerDir(1).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (auto r = ovl::setMetacopy(dir.get(), "meta", ns, nullptr); !r)
            e = r.error().message();
    }
    if (!e.empty()) {
        m_error = e;
        return;
    }
    ::mkdir((m_fs + "/work").c_str(), 0755);
    stack::StackSpec spec;
    spec.lower = {layerDir(1), layerDir(2)};
    spec.data = {layerDir(3)};
    spec.upper = layerDir(0);
    spec.work = m_fs + "/work";
    spec.xattrNamespace = ns;
    spec.options = {{"metacopy", "on"}, {"redirect_dir", "on"}};
    auto st = stack::LayerStack::fromSpec(spec);
    if (!st) {
        m_error = st.error().message();
        return;
    }
    m_stack = *st;
}

WatchFixture::~WatchFixture()
{
    m_tracker.reset();
    m_watcher.reset();
    m_stack.reset();
    if (!m_fs.empty())
        ::umount2(m_fs.c_str(), MNT_DETACH);
}

void WatchFixture::stopWatching()
{
    m_tracker.reset();
    m_watcher.reset();
}

std::string WatchFixture::layerDir(int layer) const
{
    return m_fs + "/" + kLayerNames[layer];
}

std::string WatchFixture::start(std::optional<Method> method, const WatchOptions &base)
{
    WatchOptions opts = base;
    opts.method = method;
    auto w = StackWatcher::start(m_stack, opts);
    if (!w)
        return w.error().message();
    m_watcher = std::move(*w);
    if (auto n = m_watcher->watchAll(); !n)
        return n.error().message();
    m_tracker = std::make_unique<ViewTracker>(m_stack, m_watcher.get());
    if (auto n = m_tracker->loadAll(); !n)
        return n.error().message();
    m_watcher->flush();
    (void)m_watcher->take();
    return {};
}

std::vector<Effect> WatchFixture::collect()
{
    m_watcher->flush();
    std::vector<Effect> out;
    for (auto &ev : m_watcher->take()) {
        if (ev.type == WatchEvent::Type::Change) {
            auto effects = m_tracker->apply(ev.change);
            out.insert(out.end(), effects.begin(), effects.end());
            changes.push_back(ev.change);
        } else if (ev.type == WatchEvent::Type::Overflow) {
            overflows.push_back(ev.layers);
            auto effects = m_tracker->rescan();
            out.insert(out.end(), effects.begin(), effects.end());
        }
    }
    return out;
}

std::vector<Effect> WatchFixture::collectUntil(const std::function<bool(const std::vector<Effect> &)> &pred,
                                               int timeoutMs)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    std::vector<Effect> all;
    while (true) {
        auto more = collect();
        all.insert(all.end(), more.begin(), more.end());
        if (pred(all) || Clock::now() >= deadline)
            return all;
        // Bounded wait for the next delivery (a polled layer's next tick).
        m_watcher->wait(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }
}

std::string WatchFixture::compareWithFresh() const
{
    return test::compareWithFresh(m_stack, *m_tracker);
}

std::string compareWithFresh(const std::shared_ptr<const stack::LayerStack> &stack, const ViewTracker &tracker)
{
    const stack::MergedTree fresh(stack);
    std::deque<std::string> todo {""};
    while (!todo.empty()) {
        const std::string dir = todo.front();
        todo.pop_front();
        if (!tracker.isLoaded(dir))
            return "not loaded: '" + dir + "'";
        auto listing = fresh.list(dir, stack::ListOptions {true, false});
        if (!listing)
            return listing.error().message();
        for (const auto &e : listing->entries) {
            const std::string p = dir.empty() ? e.name : dir + "/" + e.name;
            const auto have = tracker.factsOf(p);
            if (!have)
                return "the tracker lacks '" + p + "'";
            if (!(*have == EntryFacts::of(e)))
                return "the tracker's facts of '" + p + "' differ (layer " + std::to_string(have->layer) + " vs "
                    + std::to_string(e.layer) + ", size " + std::to_string(have->size) + " vs "
                    + std::to_string(e.attrs.size) + ")";
            if (e.isDir() && !e.isWhiteout())
                todo.push_back(p);
        }
    }
    return {};
}

std::optional<Effect> effectFor(const std::vector<Effect> &effects, const std::string &mergedPath)
{
    // Several changes can touch one name (a rename's two sides, a burst): what they
    // did together is the first "before", the last "after" and every kind.
    std::optional<Effect> out;
    for (const auto &e : effects) {
        if (!e.inView || e.mergedPath != mergedPath)
            continue;
        if (!out) {
            out = e;
            continue;
        }
        out->after = e.after;
        out->kinds |= e.kinds;
    }
    return out;
}

} // namespace strata::test
