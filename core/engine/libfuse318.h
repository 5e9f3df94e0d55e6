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

} // namespace strata::engine::libfuse318
