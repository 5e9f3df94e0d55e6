// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The workloads of strata-bench-engine: data generation in the lower layers and
// the measured operations on a mounted union. Each measurement returns a rate
// (higher is better) so that every ratio to kernel overlayfs reads the same way.

#include <cstdint>
#include <string>

namespace strata::bench {

struct Sizes {
    uint64_t bigMiB = 1024; // sequential read file and written file
    int randomReads = 20000; // 4 KiB preads at random offsets
    int copyupFiles = 2000; // 16 KiB each, one byte appended to each
    int untarFiles = 20000; // 1 KiB each
    int treeFiles = 50000; // stat walk
    int readdirEntries = 10000; // half in each lower of one merged directory
    int readdirReps = 20;
};

// Fills <base>/lower1 and <base>/lower0 (created) and writes <base>/small.tar (with
// /usr/bin/tar) once; a marker with the sizes skips regeneration. The copy-up files
// are one set per round (lower0/copyup/r<K>/f<N>), since a copied-up file is not a
// copy-up again: sets missing for `rounds` are added without regenerating the rest.
void generate(const std::string &base, const Sizes &s, bool useTar, int rounds);

// Page cache, dentries and inodes dropped (needs root).
void dropCaches();
// Seconds since an arbitrary origin.
double now();

double seqReadMBps(const std::string &file); // MB/s
double randomReadIops(const std::string &file, int count); // reads/s
double seqWriteMBps(const std::string &file, uint64_t mib); // MB/s, with fsync
double copyUpFilesPerSec(const std::string &dir, int count); // files/s
double untarFilesPerSec(const std::string &tar, const std::string &dest, int files, bool useTar); // files/s
double statWalkPerSec(const std::string &dir, long *entries = nullptr); // entries/s
double readdirPerSec(const std::string &dir, int reps, int *entries); // entries/s

} // namespace strata::bench
