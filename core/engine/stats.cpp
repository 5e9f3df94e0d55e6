// SPDX-License-Identifier: GPL-2.0-or-later
#include "stats.h"

#include "libfuse318.h"

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <pthread.h>
#include <thread>

namespace strata::engine {

namespace {

enum Op : unsigned {
    Lookup,
    Forget,
    ForgetMulti,
    Getattr,
    Setattr,
    Readlink,
    Opendir,
    Readdir,
    Readdirplus,
    Releasedir,
    Statfs,
    Open,
    Read,
    WriteBuf,
    Flush,
    Release,
    Fsync,
    Fallocate,
    Lseek,
    Create,
    Mknod,
    Mkdir,
    Symlink,
    Unlink,
    Rmdir,
    Rename,
    Link,
    CopyFileRange,
    Getxattr,
    Listxattr,
    Setxattr,
    Removexattr,
    OpCount
};

constexpr std::array<const char *, OpCount> kNames
    = {"LOOKUP",   "FORGET",      "BATCH_FORGET", "GETATTR",    "SETATTR", "READLINK", "OPENDIR",
       "READDIR",  "READDIRPLUS", "RELEASEDIR",   "STATFS",     "OPEN",    "READ",     "WRITE",
       "FLUSH",    "RELEASE",     "FSYNC",        "FALLOCATE",  "LSEEK",   "CREATE",   "MKNOD",
       "MKDIR",    "SYMLINK",     "UNLINK",       "RMDIR",      "RENAME",  "LINK",     "COPY_FILE_RANGE",
       "GETXATTR", "LISTXATTR",   "SETXATTR",     "REMOVEXATTR"};

struct Counter {
    std::atomic<uint64_t> n {0};
    std::atomic<uint64_t> uring {0};
    std::atomic<uint64_t> ns {0}; // in the daemon, from the call to the return of the handler
};

std::array<Counter, OpCount> counters;
std::thread reporter;
std::atomic<bool> stopping {false};

void note(Op op, std::chrono::steady_clock::time_point start, bool uring)
{
    auto &c = counters[op];
    c.n.fetch_add(1, std::memory_order_relaxed);
    if (uring)
        c.uring.fetch_add(1, std::memory_order_relaxed);
    const auto d = std::chrono::steady_clock::now() - start;
    c.ns.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()),
                   std::memory_order_relaxed);
}

bool viaUring(fuse_req_t req)
{
    return libfuse318::reqIsUring(req);
}

// One wrapper per operation: calls the original handler and counts it. The
// request may be gone once the handler replied, so the transport is read before.
template<Op K, auto Member>
struct Wrap;
template<Op K, typename... A, void (*fuse_lowlevel_ops::*Member)(fuse_req_t, A...)>
struct Wrap<K, Member> {
    static inline void (*original)(fuse_req_t, A...) = nullptr;
    static void call(fuse_req_t req, A... a)
    {
        const bool uring = viaUring(req);
        const auto start = std::chrono::steady_clock::now();
        original(req, a...);
        note(K, start, uring);
    }
    static void install(const fuse_lowlevel_ops &from, fuse_lowlevel_ops &to)
    {
        original = from.*Member;
        if (original)
            to.*Member = &call;
    }
};

void print()
{
    uint64_t total = 0, totalUring = 0;
    std::fprintf(stderr, "strata-fuse stats: opcode count via-io_uring daemon-us-per-request\n");
    for (unsigned k = 0; k < OpCount; ++k) {
        const uint64_t n = counters[k].n.load(), u = counters[k].uring.load(), ns = counters[k].ns.load();
        total += n;
        totalUring += u;
        if (n)
            std::fprintf(stderr, "strata-fuse stats: %s %llu %llu %.1f\n", kNames[k],
                         static_cast<unsigned long long>(n), static_cast<unsigned long long>(u),
                         static_cast<double>(ns) / 1000.0 / static_cast<double>(n));
    }
    std::fprintf(stderr, "strata-fuse stats: total %llu %llu\n", static_cast<unsigned long long>(total),
                 static_cast<unsigned long long>(totalUring));
    std::fflush(stderr);
}

} // namespace

fuse_lowlevel_ops countedOperations(const fuse_lowlevel_ops &ops)
{
    fuse_lowlevel_ops o = ops;
    Wrap<Lookup, &fuse_lowlevel_ops::lookup>::install(ops, o);
    Wrap<Forget, &fuse_lowlevel_ops::forget>::install(ops, o);
    Wrap<ForgetMulti, &fuse_lowlevel_ops::forget_multi>::install(ops, o);
    Wrap<Getattr, &fuse_lowlevel_ops::getattr>::install(ops, o);
    Wrap<Setattr, &fuse_lowlevel_ops::setattr>::install(ops, o);
    Wrap<Readlink, &fuse_lowlevel_ops::readlink>::install(ops, o);
    Wrap<Opendir, &fuse_lowlevel_ops::opendir>::install(ops, o);
    Wrap<Readdir, &fuse_lowlevel_ops::readdir>::install(ops, o);
    Wrap<Readdirplus, &fuse_lowlevel_ops::readdirplus>::install(ops, o);
    Wrap<Releasedir, &fuse_lowlevel_ops::releasedir>::install(ops, o);
    Wrap<Statfs, &fuse_lowlevel_ops::statfs>::install(ops, o);
    Wrap<Open, &fuse_lowlevel_ops::open>::install(ops, o);
    Wrap<Read, &fuse_lowlevel_ops::read>::install(ops, o);
    Wrap<WriteBuf, &fuse_lowlevel_ops::write_buf>::install(ops, o);
    Wrap<Flush, &fuse_lowlevel_ops::flush>::install(ops, o);
    Wrap<Release, &fuse_lowlevel_ops::release>::install(ops, o);
    Wrap<Fsync, &fuse_lowlevel_ops::fsync>::install(ops, o);
    Wrap<Fallocate, &fuse_lowlevel_ops::fallocate>::install(ops, o);
    Wrap<Lseek, &fuse_lowlevel_ops::lseek>::install(ops, o);
    Wrap<Create, &fuse_lowlevel_ops::create>::install(ops, o);
    Wrap<Mknod, &fuse_lowlevel_ops::mknod>::install(ops, o);
    Wrap<Mkdir, &fuse_lowlevel_ops::mkdir>::install(ops, o);
    Wrap<Symlink, &fuse_lowlevel_ops::symlink>::install(ops, o);
    Wrap<Unlink, &fuse_lowlevel_ops::unlink>::install(ops, o);
    Wrap<Rmdir, &fuse_lowlevel_ops::rmdir>::install(ops, o);
    Wrap<Rename, &fuse_lowlevel_ops::rename>::install(ops, o);
    Wrap<Link, &fuse_lowlevel_ops::link>::install(ops, o);
    Wrap<CopyFileRange, &fuse_lowlevel_ops::copy_file_range>::install(ops, o);
    Wrap<Getxattr, &fuse_lowlevel_ops::getxattr>::install(ops, o);
    Wrap<Listxattr, &fuse_lowlevel_ops::listxattr>::install(ops, o);
    Wrap<Setxattr, &fuse_lowlevel_ops::setxattr>::install(ops, o);
    Wrap<Removexattr, &fuse_lowlevel_ops::removexattr>::install(ops, o);
    return o;
}

void startStatsReporter()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr); // inherited by every thread made later
    reporter = std::thread([set] {
        for (;;) {
            int sig = 0;
            if (sigwait(&set, &sig) != 0 || stopping.load())
                return;
            print();
        }
    });
}

void stopStatsReporter()
{
    if (!reporter.joinable())
        return;
    stopping = true;
    pthread_kill(reporter.native_handle(), SIGUSR1);
    reporter.join();
    print();
}

} // namespace strata::engine
