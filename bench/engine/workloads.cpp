// SPDX-License-Identifier: GPL-2.0-or-later
#include "workloads.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace strata::bench {

namespace {

void die(const std::string &what)
{
    std::fprintf(stderr, "strata-bench-engine: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

void mkdirs(const std::string &p)
{
    if (std::system(("mkdir -p '" + p + "'").c_str()) != 0)
        die("mkdir " + p);
}

void writeSmall(const std::string &path, size_t size, unsigned seed)
{
    std::string data(size, static_cast<char>('a' + seed % 26));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
        die("write " + path);
    ::close(fd);
}

void writeBig(const std::string &path, uint64_t mib)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create " + path);
    std::vector<char> buf(1 << 20);
    std::mt19937_64 rng(42);
    for (uint64_t i = 0; i < mib; ++i) {
        for (size_t j = 0; j < buf.size(); j += 8) {
            const uint64_t v = rng();
            std::memcpy(buf.data() + j, &v, 8);
        }
        if (::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size()))
            die("write " + path);
    }
    ::fsync(fd);
    ::close(fd);
}

std::string marker(const Sizes &s, bool useTar)
{
    return std::to_string(s.bigMiB) + " " + std::to_string(s.copyupFiles) + " " + std::to_string(s.untarFiles) + " "
        + std::to_string(s.treeFiles) + " " + std::to_string(s.readdirEntries) + " " + (useTar ? "tar" : "loop")
        + " v2\n";
}

} // namespace

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void dropCaches()
{
    ::sync();
    std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
}

namespace {

// One round's copy-up files, built beside and renamed into place, so that an
// interrupted run leaves no half set behind.
void copyupSet(const std::string &bottom, const Sizes &s, int round)
{
    const std::string dir = bottom + "/copyup/r" + std::to_string(round);
    if (::access(dir.c_str(), F_OK) == 0)
        return;
    const std::string staged = dir + ".new";
    if (std::system(("rm -rf '" + staged + "'").c_str()) != 0)
        die("clean " + staged);
    mkdirs(staged);
    for (int i = 0; i < s.copyupFiles; ++i)
        writeSmall(staged + "/f" + std::to_string(i), 16384, i);
    if (::rename(staged.c_str(), dir.c_str()) != 0)
        die("rename " + staged);
}

} // namespace

void generate(const std::string &base, const Sizes &s, bool useTar, int rounds)
{
    const std::string want = marker(s, useTar);
    std::ifstream in(base + "/.generated");
    std::string have((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (have == want) {
        for (int k = 0; k < rounds; ++k)
            copyupSet(base + "/lower0", s, k);
        ::sync();
        return;
    }
    std::fprintf(stderr, "generating the layers in %s ...\n", base.c_str());
    if (std::system(("rm -rf '" + base + "/lower0' '" + base + "/lower1' '" + base + "/src'").c_str()) != 0)
        die("clean " + base);
    const std::string top = base + "/lower1", bottom = base + "/lower0";
    mkdirs(top + "/merged");
    mkdirs(bottom + "/merged");
    mkdirs(bottom + "/copyup");
    writeBig(bottom + "/big", s.bigMiB);
    for (int k = 0; k < rounds; ++k)
        copyupSet(bottom, s, k);
    for (int i = 0; i < s.treeFiles; ++i) {
        const std::string dir = bottom + "/tree/d" + std::to_string(i / 100);
        if (i % 100 == 0)
            mkdirs(dir);
        writeSmall(dir + "/f" + std::to_string(i), 64, i);
    }
    for (int i = 0; i < s.readdirEntries; ++i)
        writeSmall((i % 2 ? top : bottom) + "/merged/e" + std::to_string(i), 0, i);
    if (useTar) {
        const std::string src = base + "/src/t";
        for (int i = 0; i < s.untarFiles; ++i) {
            const std::string dir = src + "/d" + std::to_string(i / 200);
            if (i % 200 == 0)
                mkdirs(dir);
            writeSmall(dir + "/f" + std::to_string(i), 1024, i);
        }
        if (std::system(("tar -C '" + base + "/src' -cf '" + base + "/small.tar' t").c_str()) != 0)
            die("tar");
        if (std::system(("rm -rf '" + base + "/src'").c_str()) != 0)
            die("clean src");
    }
    std::ofstream(base + "/.generated") << want;
    ::sync();
}

double seqReadMBps(const std::string &file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open " + file);
    std::vector<char> buf(1 << 20);
    uint64_t total = 0;
    const double t0 = now();
    for (ssize_t n; (n = ::read(fd, buf.data(), buf.size())) > 0;)
        total += static_cast<uint64_t>(n);
    const double t = now() - t0;
    ::close(fd);
    return static_cast<double>(total) / 1e6 / t;
}

double randomReadIops(const std::string &file, int count)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0)
        die("open " + file);
    const uint64_t blocks = static_cast<uint64_t>(st.st_size) / 4096;
    std::mt19937_64 rng(7);
    char buf[4096];
    const double t0 = now();
    for (int i = 0; i < count; ++i)
        if (::pread(fd, buf, sizeof(buf), static_cast<off_t>((rng() % blocks) * 4096)) != 4096)
            die("pread " + file);
    const double t = now() - t0;
    ::close(fd);
    return count / t;
}

double seqWriteMBps(const std::string &file, uint64_t mib)
{
    std::vector<char> buf(1 << 20, 'w');
    const double t0 = now();
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create " + file);
    for (uint64_t i = 0; i < mib; ++i)
        if (::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size()))
            die("write " + file);
    if (::fsync(fd) != 0)
        die("fsync " + file);
    ::close(fd);
    const double t = now() - t0;
    ::unlink(file.c_str());
    return static_cast<double>(mib) * 1.048576 / t;
}

double copyUpFilesPerSec(const std::string &dir, int count)
{
    const double t0 = now();
    for (int i = 0; i < count; ++i) {
        const std::string p = dir + "/f" + std::to_string(i);
        const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0 || ::write(fd, "x", 1) != 1)
            die("append " + p);
        ::close(fd);
    }
    return count / (now() - t0);
}

double untarFilesPerSec(const std::string &tar, const std::string &dest, int files, bool useTar)
{
    mkdirs(dest);
    const double t0 = now();
    if (useTar) {
        if (std::system(("tar -C '" + dest + "' -xf '" + tar + "'").c_str()) != 0)
            die("untar into " + dest);
    } else {
        // The untar-equivalent: the same directories and files, written in order.
        for (int i = 0; i < files; ++i) {
            const std::string dir = dest + "/t/d" + std::to_string(i / 200);
            if (i % 200 == 0 && ::mkdir((dest + "/t").c_str(), 0755) != 0 && errno != EEXIST)
                die("mkdir " + dest);
            if (i % 200 == 0 && ::mkdir(dir.c_str(), 0755) != 0)
                die("mkdir " + dir);
            writeSmall(dir + "/f" + std::to_string(i), 1024, i);
        }
    }
    return files / (now() - t0);
}

namespace {

long walk(int dirfd)
{
    const int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = ::fdopendir(fd);
    if (!d)
        die("opendir");
    long n = 0;
    while (dirent *e = ::readdir(d)) {
        if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, ".."))
            continue;
        struct stat st {};
        if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            die(std::string("stat ") + e->d_name);
        ++n;
        if (S_ISDIR(st.st_mode)) {
            const int sub = ::openat(fd, e->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
            n += walk(sub);
            ::close(sub);
        }
    }
    ::closedir(d);
    return n;
}

} // namespace

double statWalkPerSec(const std::string &dir, long *entries)
{
    const int fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        die("open " + dir);
    const double t0 = now();
    const long n = walk(fd);
    const double t = now() - t0;
    ::close(fd);
    if (entries)
        *entries = n;
    return n / t;
}

double readdirPerSec(const std::string &dir, int reps, int *entries)
{
    long n = 0;
    const double t0 = now();
    for (int r = 0; r < reps; ++r) {
        DIR *d = ::opendir(dir.c_str());
        if (!d)
            die("opendir " + dir);
        int count = 0;
        while (::readdir(d))
            ++count;
        ::closedir(d);
        n += count;
        *entries = count - 2;
    }
    return n / (now() - t0);
}

} // namespace strata::bench
