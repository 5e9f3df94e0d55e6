// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Which way requests travel between the kernel and the daemon: FUSE over io_uring
// (one ring per CPU, a request and its reply in one submission, no read/write
// syscall pair per request) or the classic /dev/fuse reads. io_uring needs
// libfuse >= 3.18 (FUSE_CAP_OVER_IO_URING, known at compile time) built with
// liburing (not every distribution's is: checked at run time) and a kernel
// whose fuse module has it turned on (CONFIG_FUSE_IO_URING and the module
// parameter enable_uring, off by default; only root can change it, and the
// engine never does). io_uring itself may be switched off by
// kernel.io_uring_disabled.

#include "config.h"
#include "layers.h"

#include <string>

namespace strata::engine {

struct TransportChoice {
    bool uring = false;
    std::string why; // one line for the start-up message
};

// Whether this build's libfuse can do FUSE over io_uring: 3.18 or later at
// compile time, and a library built with liburing at run time.
bool libfuseHasUring();

// The transport for `mode` on this machine. transport=uring where it cannot work
// fails with the reason and what would change it.
Result<TransportChoice> chooseTransport(TransportMode mode);

// Why auto must not take io_uring over these layers, empty when it may. libfuse
// 3.18 serves each ring queue (one per CPU, its thread bound to that CPU) inline
// in the queue's thread: a request that waits on a stalled FUSE or remote layer
// holds up every later request from that CPU, where /dev/fuse's worker pool lets
// them go on (test_engine_copyup, test_engine_lock: other directories keep
// working while one request waits on a stopped lower). So auto takes io_uring
// only over local layers; transport=uring stays the user's explicit choice.
std::string uringStallRisk(const Config &config, const Layers &layers);

} // namespace strata::engine
