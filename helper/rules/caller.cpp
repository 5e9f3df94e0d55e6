// SPDX-License-Identifier: GPL-2.0-or-later
#include "caller.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace strata::helper {

Caller Caller::fromUid(uid_t uid)
{
    Caller c;
    c.uid = uid;
    c.name = "uid " + std::to_string(uid);
    std::vector<char> buf(16384);
    passwd pw {};
    passwd *found = nullptr;
    if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found) {
        // No passwd entry: the overflow group, so only "other" permissions apply.
        // (Not -1: setresgid(-1, ...) means "unchanged" and would keep root's group.)
        c.gid = 65534;
        return c;
    }
    c.name = found->pw_name;
    c.gid = found->pw_gid;
    int n = 64;
    std::vector<gid_t> groups(static_cast<size_t>(n));
    if (::getgrouplist(found->pw_name, found->pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<size_t>(n));
        if (::getgrouplist(found->pw_name, found->pw_gid, groups.data(), &n) < 0)
            n = 0;
    }
    groups.resize(static_cast<size_t>(n));
    c.groups = std::move(groups);
    return c;
}

bool runAsCaller(const Caller &caller, const std::function<void()> &fn, std::string *error)
{
    if (::geteuid() == caller.uid) {
        fn();
        return true;
    }
    if (::geteuid() != 0) {
        if (error)
            *error = "cannot act as " + caller.name + ": this process is not root";
        return false;
    }
    bool ok = false;
    std::string why;
    std::thread worker([&] {
        // Order matters: groups and gid while still root, the uid last. All three
        // ids are set, so this thread can never regain root.
        const gid_t gid = caller.gid;
        if (::syscall(SYS_setgroups, caller.groups.size(), caller.groups.data()) != 0
            || ::syscall(SYS_setresgid, gid, gid, gid) != 0
            || ::syscall(SYS_setresuid, caller.uid, caller.uid, caller.uid) != 0) {
            why = std::string("cannot assume the caller's credentials: ") + std::strerror(errno);
            return;
        }
        ok = true;
        fn();
    });
    worker.join();
    if (!ok && error)
        *error = why;
    return ok;
}

} // namespace strata::helper
