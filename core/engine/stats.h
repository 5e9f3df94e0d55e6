// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Request counting (-o stats): how many requests of each kind the kernel sent,
// through which transport, and the daemon's own time on them, printed to stderr
// on SIGUSR1 and at exit. Measures round trips per operation for the benchmark
// (docs/BENCHMARKS.md); without the option the operations run uncounted.

#include <fuse_lowlevel.h>

namespace strata::engine {

struct Fs;

// The low-level operations with each one counted, wrapping `ops`.
fuse_lowlevel_ops countedOperations(const fuse_lowlevel_ops &ops);

// Starts the thread that prints on SIGUSR1 (blocked in every other thread; call
// before libfuse starts its threads) and stops it, printing once more.
void startStatsReporter();
void stopStatsReporter();

} // namespace strata::engine
