// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The libfuse 3.18 calls strata-fuse uses when they are there, looked up at run
// time rather than linked: a binary linked against a 3.18 symbol would need
// libfuse >= 3.18 to start at all, and Debian 13 has 3.17 (the engine-libfuse-old
// build checks that strata-fuse builds and links against 3.17). One place for
// both lookups, so no other file calls dlsym.

#include <dlfcn.h>
#include <fuse_lowlevel.h>

namespace strata::engine::libfuse318 {

// fuse_lowlevel_notify_increment_epoch() (protocol 7.44): every dentry the kernel
// holds becomes stale lazily. False when this libfuse lacks it.
inline bool notifyIncrementEpoch(fuse_session *se)
{
    using Fn = int (*)(fuse_session *);
    static const auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "fuse_lowlevel_notify_increment_epoch"));
    return fn && fn(se) == 0;
}

// fuse_req_is_uring(): the request came through FUSE over io_uring. False with a
// libfuse that lacks it, where nothing comes through io_uring.
inline bool reqIsUring(fuse_req_t req)
{
    using Fn = bool (*)(fuse_req_t);
    static const auto fn = reinterpret_cast<Fn>(::dlsym(RTLD_DEFAULT, "fuse_req_is_uring"));
    return fn && fn(req);
}

// fuse_file_info::kill_suidgid (3.18): the kernel's FUSE_OPEN_KILL_SUIDGID on an
// open with O_TRUNC and FUSE_WRITE_KILL_SUIDGID on a write, both sent under
// FUSE_CAP_HANDLE_KILLPRIV_V2 when the caller lacks CAP_FSETID. A libfuse without
// the field hides both, so the engine asks for killpriv_v2 only with it.
#if FUSE_VERSION >= FUSE_MAKE_VERSION(3, 18)
inline constexpr bool kSeesKillSuidgid = true;
inline bool killSuidgid(const fuse_file_info *fi)
{
    return fi && fi->kill_suidgid;
}
#else
inline constexpr bool kSeesKillSuidgid = false;
inline bool killSuidgid(const fuse_file_info *)
{
    return false;
}
#endif

} // namespace strata::engine::libfuse318
