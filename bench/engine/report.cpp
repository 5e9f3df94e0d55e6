// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <algorithm>
#include <cstdio>

namespace strata::bench {

namespace {

// The per-round ratios of engine a to engine b in one row (rounds where both ran).
std::vector<double> ratios(const Results &results, size_t row, size_t a, size_t b)
{
    std::vector<double> out;
    const auto &ca = results[row][a], &cb = results[row][b];
    for (size_t k = 0; k < ca.size() && k < cb.size(); ++k)
        if (ca[k].rate > 0 && cb[k].rate > 0)
            out.push_back(ca[k].rate / cb[k].rate);
    return out;
}

std::vector<double> rates(const std::vector<Cell> &cells)
{
    std::vector<double> out;
    for (const Cell &c : cells)
        if (c.rate > 0)
            out.push_back(c.rate);
    return out;
}

// "0.51" for one round, "0.51 (0.41-0.60)" for more; "-" for none.
std::string ratioCell(const std::vector<double> &r)
{
    char cell[64] = "-";
    if (r.size() == 1)
        std::snprintf(cell, sizeof(cell), "%.2f", r[0]);
    else if (!r.empty())
        std::snprintf(cell, sizeof(cell), "%.2f (%.2f-%.2f)", median(r), *std::min_element(r.begin(), r.end()),
                      *std::max_element(r.begin(), r.end()));
    return cell;
}

} // namespace

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void printRates(const std::vector<Engine> &engines, const std::vector<Row> &rows, const Results &results)
{
    const size_t rounds = results.empty() || results[0].empty() ? 0 : results[0][0].size();
    std::printf("\nmedian rate over %zu round(s):\n%-26s %-10s", rounds, "workload", "unit");
    for (const auto &e : engines)
        std::printf(" %18s", e.name.c_str());
    std::printf("\n");
    for (size_t r = 0; r < rows.size(); ++r) {
        std::printf("%-26s %-10s", rows[r].name.c_str(), rows[r].unit.c_str());
        for (size_t i = 0; i < engines.size(); ++i)
            std::printf(" %18.0f", median(rates(results[r][i])));
        std::printf("\n");
    }
    std::printf("\nratio to kernel overlayfs: median of the per-round ratios (min-max):\n%-26s", "workload");
    for (size_t i = 1; i < engines.size(); ++i)
        std::printf(" %18s", engines[i].name.c_str());
    std::printf("  target\n");
    for (size_t r = 0; r < rows.size(); ++r) {
        std::printf("%-26s", rows[r].name.c_str());
        for (size_t i = 1; i < engines.size(); ++i)
            std::printf(" %18s", ratioCell(ratios(results, r, i, 0)).c_str());
        // Every strata-fuse column (one per transport) against the target, by its median.
        if (rows[r].target > 0) {
            std::printf("  >= %.2f", rows[r].target);
            for (size_t i = 1; i < engines.size(); ++i) {
                const auto rr = ratios(results, r, i, 0);
                if (engines[i].stats && !rr.empty())
                    std::printf(" %s", median(rr) >= rows[r].target ? "met" : "MISSED");
            }
        }
        std::printf("\n");
    }
    std::printf("(rates: higher is better; each row ran for every engine within seconds, the engines' order "
                "rotated each round; targets are for strata-fuse)\n");
}

void printPair(const std::vector<Row> &rows, const Results &results, size_t a, size_t b, const std::string &title,
               double target)
{
    std::printf("\n%-26s %18s  target >= %.2f\n", title.c_str(), "ratio", target);
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto rr = ratios(results, r, a, b);
        if (!rr.empty())
            std::printf("%-26s %18s  %s\n", rows[r].name.c_str(), ratioCell(rr).c_str(),
                        median(rr) >= target ? "met" : "MISSED");
    }
}

// For each strata-fuse column: requests per operation (all rounds together) and the
// wall time per request (the operation's time over its requests; median over the
// rounds), where the row has a count.
void printRequests(const std::vector<Engine> &engines, const std::vector<Row> &rows, const Results &results)
{
    std::printf("\nrequests per operation and microseconds per request (strata-fuse -o stats):\n");
    std::printf("%-26s", "workload");
    for (const auto &e : engines)
        if (e.stats)
            std::printf(" %28s", e.name.c_str());
    std::printf("\n");
    for (size_t r = 0; r < rows.size(); ++r) {
        std::printf("%-26s", rows[r].name.c_str());
        for (size_t i = 0; i < engines.size(); ++i) {
            if (!engines[i].stats)
                continue;
            double ops = 0, requests = 0;
            std::vector<double> usPerRequest;
            for (const Cell &c : results[r][i])
                if (c.ops > 0 && c.requests >= 0 && c.rate > 0) {
                    ops += c.ops;
                    requests += c.requests;
                    if (c.requests > 0)
                        usPerRequest.push_back(c.ops / c.rate * 1e6 / c.requests);
                }
            char cell[64] = "-";
            // The time per request only where requests make the row (not a stray GETATTR).
            if (ops > 0 && requests / ops >= 0.005)
                std::snprintf(cell, sizeof(cell), "%.2f req/op, %.1f us/req", requests / ops, median(usPerRequest));
            else if (ops > 0)
                std::snprintf(cell, sizeof(cell), "%.3f req/op", requests / ops);
            std::printf(" %28s", cell);
        }
        std::printf("\n");
    }
    // Which requests, per operation, for the rows made of them (the walks' and the
    // listing's are a few per directory).
    std::printf("\nrequests per operation by opcode (strata-fuse -o stats, all rounds):\n");
    for (size_t i = 0; i < engines.size(); ++i) {
        if (!engines[i].stats)
            continue;
        for (size_t r = 0; r < rows.size(); ++r) {
            double ops = 0;
            std::map<std::string, double> byOpcode;
            for (const Cell &c : results[r][i])
                if (c.ops > 0 && c.requests >= 0) {
                    ops += c.ops;
                    for (const auto &[op, n] : c.byOpcode)
                        byOpcode[op] += n;
                }
            std::string line;
            char cell[64];
            for (const auto &[op, n] : byOpcode)
                if (ops > 0 && n / ops >= 0.005) {
                    std::snprintf(cell, sizeof(cell), " %s %.2f", op.c_str(), n / ops);
                    line += cell;
                }
            if (!line.empty())
                std::printf("%-18s %-26s%s\n", engines[i].name.c_str(), rows[r].name.c_str(), line.c_str());
        }
    }
}

} // namespace strata::bench
