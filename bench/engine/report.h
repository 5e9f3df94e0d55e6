// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What strata-bench-engine prints: per row, the median rate of every engine over the
// rounds, the median and range of the per-round ratios to kernel overlayfs (column 0),
// and for the strata-fuse columns the requests per operation and time per request.

#include "mounts.h"

#include <map>
#include <string>
#include <vector>

namespace strata::bench {

struct Row {
    std::string name;
    std::string unit;
    double target; // minimum ratio to kernel overlayfs; 0: none
};

// One row of one engine in one round.
struct Cell {
    double rate = 0; // higher is better; 0 not measured
    double ops = 0; // operations (files, entries, reads), 0 unknown
    double requests = -1; // FUSE requests the daemon counted, -1 unknown
    std::map<std::string, double> byOpcode; // the same per opcode
};

using Results = std::vector<std::vector<std::vector<Cell>>>; // [row][engine][round]

double median(std::vector<double> v);

void printRates(const std::vector<Engine> &engines, const std::vector<Row> &rows, const Results &results);
// Ratios of engine `a` to engine `b`, per row (median and range over the rounds).
void printPair(const std::vector<Row> &rows, const Results &results, size_t a, size_t b, const std::string &title,
               double target);
void printRequests(const std::vector<Engine> &engines, const std::vector<Row> &rows, const Results &results);

} // namespace strata::bench
