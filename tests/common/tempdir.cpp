// SPDX-License-Identifier: GPL-2.0-or-later
#include "tempdir.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <ftw.h>
#include <stdexcept>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

namespace strata::test {

namespace {

// Mount points at or below `root`, deepest first, from /proc/self/mountinfo
// (field 5; octal escapes \040 etc. decoded).
std::vector<std::string> mountsBelow(const std::string &root)
{
    std::vector<std::string> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        size_t pos = 0;
        for (int field = 0; field < 4 && pos != std::string::npos; ++field)
            pos = line.find(' ', pos + 1);
        if (pos == std::string::npos)
            continue;
        const size_t end = line.find(' ', pos + 1);
        std::string raw = line.substr(pos + 1, end - pos - 1), mp;
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 3 < raw.size()) {
                mp += static_cast<char>((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                mp += raw[i];
            }
        }
        if (mp == root || mp.starts_with(root + "/"))
            out.push_back(mp);
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
    return out;
}

int removeEntry(const char *path, const struct stat *, int, struct FTW *)
{
    ::remove(path);
    return 0;
}

} // namespace

TempDir::TempDir(const std::string &tag)
{
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + tag + ".XXXXXX";
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed for " + tmpl);
    m_path = tmpl;
}

TempDir::~TempDir()
{
    for (const auto &mp : mountsBelow(m_path))
        ::umount2(mp.c_str(), MNT_DETACH);
    ::nftw(m_path.c_str(), removeEntry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

} // namespace strata::test
