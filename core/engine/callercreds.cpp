// SPDX-License-Identifier: GPL-2.0-or-later
#include "callercreds.h"

#include <linux/securebits.h>
#include <sched.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::engine {

namespace {

// This thread's resting state: the daemon's fsuid/fsgid and umask, which every
// AsCaller restores, so they are read once per thread rather than per creation.
struct ThreadCreds {
    bool ownUmask = false; // the umask is the fs_struct's, shared until unshared
    uid_t fsuid = static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1)));
    gid_t fsgid = static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1)));
    mode_t umask = 0;
    ThreadCreds()
    {
        ownUmask = ::unshare(CLONE_FS) == 0;
        umask = ::umask(0);
        ::umask(umask);
    }
};

ThreadCreds &threadCreds()
{
    thread_local ThreadCreds c;
    return c;
}

} // namespace

bool initCallerCreds()
{
    if (::geteuid() != 0)
        return false;
    const int bits = ::prctl(PR_GET_SECUREBITS);
    return bits >= 0
        && ((bits & SECBIT_NO_SETUID_FIXUP) || ::prctl(PR_SET_SECUREBITS, bits | SECBIT_NO_SETUID_FIXUP) == 0);
}

AsCaller::AsCaller(bool canSwitch, uid_t uid, gid_t gid, mode_t umask)
{
    ThreadCreds &t = threadCreds();
    m_uid = t.fsuid;
    m_gid = t.fsgid;
    m_umask = t.umask;
    if (!t.ownUmask)
        return;
    const bool same = uid == m_uid && gid == m_gid;
    if (!same && !canSwitch)
        return;
    if (!same) {
        ::setfsgid(gid);
        ::setfsuid(uid);
        // setfsuid/setfsgid answer the previous id whether or not they worked.
        if (static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))) != uid
            || static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))) != gid) {
            ::setfsuid(m_uid);
            ::setfsgid(m_gid);
            return;
        }
    }
    m_switched = !same;
    if (umask != m_umask)
        ::umask(umask);
    m_umaskSet = umask != m_umask;
    m_ok = true;
}

AsCaller::~AsCaller()
{
    if (!m_ok)
        return;
    if (m_umaskSet)
        ::umask(m_umask);
    if (m_switched) {
        ::setfsuid(m_uid);
        ::setfsgid(m_gid);
    }
}

} // namespace strata::engine
