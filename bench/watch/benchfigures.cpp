// SPDX-License-Identifier: GPL-2.0-or-later
#include "benchfigures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace strata::bench {

double msSince(Clock::time_point t0)
{
    return msBetween(t0, Clock::now());
}

double msBetween(Clock::time_point t0, Clock::time_point t1)
{
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

void touch(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        ::close(fd);
}

Percentiles percentiles(std::vector<double> ms, size_t lost)
{
    Percentiles p;
    p.lost = lost;
    p.n = ms.size();
    if (ms.empty()) {
        p.p50 = p.p99 = p.max = NAN;
        return p;
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
    };
    p.p50 = at(0.50);
    p.p99 = at(0.99);
    p.max = ms.back();
    return p;
}

void printRow(const char *what, const Percentiles &p, double targetMs)
{
    std::printf("%-44s n=%-5zu p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms%s  target p99 <= %.0f ms: %s\n", what, p.n,
                p.p50, p.p99, p.max, p.lost ? ("  (" + std::to_string(p.lost) + " never seen)").c_str() : "", targetMs,
                p.lost == 0 && p.p99 <= targetMs ? "met" : "MISSED");
    std::fflush(stdout);
}

void printSettled(const char *what, size_t n, double madeMs, double ms, size_t seen, double targetMs)
{
    std::printf("%-44s %zu changes made in %.0f ms, settled after %8.1f ms (%.0f ms after the last; %zu lines or "
                "names seen)  target <= %.0f ms: %s\n",
                what, n, madeMs, ms, ms - madeMs, seen, targetMs, seen >= n && ms <= targetMs ? "met" : "MISSED");
    std::fflush(stdout);
}

double cpuSeconds()
{
    rusage ru {};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
        + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

std::string loadAverage()
{
    double load[3] {};
    if (::getloadavg(load, 3) != 3)
        return "unknown";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.2f %.2f %.2f", load[0], load[1], load[2]);
    return buf;
}

} // namespace strata::bench
