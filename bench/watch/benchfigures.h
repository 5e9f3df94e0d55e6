// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the live-change benchmarks (strata-bench-watch, strata-bench-watch-gui)
// share: making a change, and printing latencies against issue #9 §7's targets
// in one format.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace strata::bench {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0);
double msBetween(Clock::time_point t0, Clock::time_point t1);
// Creates an empty file (the change every row measures).
void touch(const std::string &path);

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
    size_t n = 0, lost = 0;
};
// `lost`: changes never seen within the wait.
Percentiles percentiles(std::vector<double> ms, size_t lost);

// "what  n=..  p50 .. p99 .. max ..  target p99 <= T ms: met|MISSED"
void printRow(const char *what, const Percentiles &p, double targetMs);
// "what  N changes made in M ms, settled after .. ms (.. after the last; .. seen)
// target <= T ms: met|MISSED". `madeMs`: how long making the changes took, the
// floor of `ms` (on a loaded machine it alone can exceed the target).
void printSettled(const char *what, size_t n, double madeMs, double ms, size_t seen, double targetMs);
// User and system CPU time of this process so far.
double cpuSeconds();
// The load average line both print first and last.
std::string loadAverage();

} // namespace strata::bench
