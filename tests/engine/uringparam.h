// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The fuse module's enable_uring parameter for the transport tests: read it, set
// it for a scope as root (saying so on stderr) and put the old value back, and
// read -o stats' io_uring count from a daemon log. Only tests change it, never
// the engine (issue 13).

#include <cstdio>
#include <fstream>
#include <string>

namespace strata::test {

inline constexpr const char *kEnableUring = "/sys/module/fuse/parameters/enable_uring";

// "Y", "N", or empty when this kernel's fuse module has no such parameter.
inline std::string readEnableUring()
{
    std::string w;
    std::ifstream(kEnableUring) >> w;
    return w;
}

// Sets enable_uring to `want` ("Y" or "N") for the scope, printing that it did,
// and restores the value it found.
class EnableUringScope {
public:
    EnableUringScope(const char *who, const std::string &want)
        : m_who(who)
    {
        m_was = readEnableUring();
        if (m_was == want) {
            m_ok = true;
            return;
        }
        m_ok = !m_was.empty() && write(want);
        if (m_ok) {
            m_changed = true;
            std::fprintf(stderr, "%s: set %s to %s (was %s) for this test; restoring it after\n", m_who, kEnableUring,
                         want.c_str(), m_was.c_str());
        }
    }
    ~EnableUringScope()
    {
        if (!m_changed)
            return;
        const bool back = write(m_was);
        std::fprintf(stderr, "%s: %s set back to %s%s\n", m_who, kEnableUring, m_was.c_str(), back ? "" : " FAILED");
    }
    EnableUringScope(const EnableUringScope &) = delete;
    EnableUringScope &operator=(const EnableUringScope &) = delete;
    bool ok() const { return m_ok; }
    const std::string &was() const { return m_was; }

private:
    static bool write(const std::string &v)
    {
        std::ofstream out(kEnableUring);
        out << v;
        out.flush();
        return out.good() && readEnableUring() == v;
    }
    const char *m_who;
    std::string m_was;
    bool m_ok = false;
    bool m_changed = false;
};

// "strata-fuse stats: total N M" (the last one): M requests came through
// io_uring; -1 when the log has no such line.
inline long long uringRequests(const std::string &log)
{
    const std::string key = "strata-fuse stats: total ";
    const size_t at = log.rfind(key);
    if (at == std::string::npos)
        return -1;
    long long total = 0, uring = 0;
    if (std::sscanf(log.c_str() + at + key.size(), "%lld %lld", &total, &uring) != 2)
        return -1;
    return uring;
}

} // namespace strata::test
