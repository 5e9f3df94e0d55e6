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

// The umask is the fs_struct's, shared by all threads until unshared.
bool ownUmask()
{
    thread_local const bool own = ::unshare(CLONE_FS) == 0;
    return own;
}

uid_t currentFsuid()
{
    return static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1)));
}

gid_t currentFsgid()
{
    return static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1)));
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
    : m_uid(currentFsuid())
    , m_gid(currentFsgid())
{
    if (!ownUmask())
        return;
    const bool same = uid == m_uid && gid == m_gid;
    if (!same && !canSwitch)
        return;
    if (!same) {
        ::setfsgid(gid);
        ::setfsuid(uid);
        if (currentFsuid() != uid || currentFsgid() != gid) {
            ::setfsuid(m_uid);
            ::setfsgid(m_gid);
            return;
        }
    }
    m_umask = ::umask(umask);
    m_ok = true;
}

AsCaller::~AsCaller()
{
    if (!m_ok)
        return;
    ::umask(m_umask);
    ::setfsuid(m_uid);
    ::setfsgid(m_gid);
}

} // namespace strata::engine
