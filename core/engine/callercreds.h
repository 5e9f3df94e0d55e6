// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Creating as the caller. Kernel overlayfs creates an upper object with the
// mounter's capabilities but the caller's fsuid/fsgid (dir.c ovl_create_or_link
// overrides them), so the object is owned right from its creation and needs no
// chown: no moment where it exists with the wrong owner. The daemon does the same
// per request thread: setfsuid/setfsgid are per-thread syscalls, the umask becomes
// per thread after unshare(CLONE_FS), and SECBIT_NO_SETUID_FIXUP keeps a root
// daemon's capabilities while its fsuid is not 0.

#include <sys/types.h>

namespace strata::engine {

// Once, before the loop starts its threads: sets SECBIT_NO_SETUID_FIXUP when
// running as root. Returns whether other users' ids can be taken.
bool initCallerCreds();

// The caller's fsuid, fsgid and umask on this thread until destroyed. ok() is
// false when the ids cannot be taken (an unprivileged daemon and another user):
// then nothing changed.
class AsCaller {
public:
    AsCaller(bool canSwitch, uid_t uid, gid_t gid, mode_t umask);
    ~AsCaller();
    AsCaller(const AsCaller &) = delete;
    AsCaller &operator=(const AsCaller &) = delete;
    bool ok() const { return m_ok; }

private:
    bool m_ok = false;
    bool m_switched = false;
    bool m_umaskSet = false;
    uid_t m_uid = 0;
    gid_t m_gid = 0;
    mode_t m_umask = 0;
};

} // namespace strata::engine
