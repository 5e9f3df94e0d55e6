// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Small path helpers the mount-tier tests share.

#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::test {

// parent/name, created (mode 0755) if missing.
inline std::string dirIn(const std::string &parent, const std::string &name)
{
    const std::string p = parent + "/" + name;
    ::mkdir(p.c_str(), 0755);
    return p;
}

inline bool pathExists(const std::string &p)
{
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

inline void touch(const std::string &p)
{
    ::close(::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

} // namespace strata::test
