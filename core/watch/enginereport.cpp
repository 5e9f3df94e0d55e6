// SPDX-License-Identifier: GPL-2.0-or-later
#include "enginereport.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::watch {

namespace {

constexpr const char *kMagic = "strata-fuse-lowerwatch 1";

// Field 22 of /proc/PID/stat: the process's start time, in clock ticks since boot.
std::string startTime(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = s.rfind(')'); // the command name may hold spaces
    if (paren == std::string::npos)
        return {};
    std::istringstream rest(s.substr(paren + 2));
    std::string field;
    for (int i = 3; i <= 22 && rest >> field; ++i)
        if (i == 22)
            return field;
    return {};
}

uid_t ownerOf(pid_t pid)
{
    struct stat st {};
    return ::stat(("/proc/" + std::to_string(pid)).c_str(), &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
}

} // namespace

std::optional<std::string> engineReportPath(pid_t pid, uid_t uid)
{
    std::string dir;
    if (uid == 0) {
        dir = "/run";
    } else if (const char *x = std::getenv("XDG_RUNTIME_DIR"); x && *x && uid == ::getuid()) {
        dir = x;
    } else {
        dir = "/run/user/" + std::to_string(uid);
    }
    if (!std::filesystem::is_directory(dir))
        return std::nullopt;
    return dir + "/strata-fuse/" + std::to_string(pid) + ".lowerwatch";
}

Result<std::string> publishEngineReport(const EngineReport &r)
{
    const auto path = engineReportPath(::getpid(), ::geteuid());
    if (!path)
        return fail(makeError("lowerwatch report", "no runtime directory to publish it in", ENOENT));
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(*path).parent_path(), ec);
    const std::string tmp = *path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out)
            return fail(sysError(errno, tmp, "cannot write the lowerwatch report"));
        out << kMagic << "\t" << startTime(::getpid()) << "\n";
        for (const LayerWatch &l : r.layers)
            out << l.layer << "\t" << methodName(l.method) << "\t" << l.reason << "\n";
    }
    if (::rename(tmp.c_str(), path->c_str()) != 0)
        return fail(sysError(errno, *path, "cannot publish the lowerwatch report"));
    return *path;
}

std::optional<EngineReport> readEngineReport(pid_t pid)
{
    const auto path = engineReportPath(pid, ownerOf(pid));
    if (!path)
        return std::nullopt;
    std::ifstream in(*path);
    std::string line;
    if (!std::getline(in, line) || line != std::string(kMagic) + "\t" + startTime(pid))
        return std::nullopt;
    EngineReport r;
    while (std::getline(in, line)) {
        const auto a = line.find('\t'), b = line.find('\t', a == std::string::npos ? a : a + 1);
        if (b == std::string::npos)
            continue;
        LayerWatch l;
        l.layer = std::atoi(line.substr(0, a).c_str());
        l.method = methodFromName(line.substr(a + 1, b - a - 1)).value_or(Method::Polling);
        l.reason = line.substr(b + 1);
        r.layers.push_back(std::move(l));
    }
    return r;
}

} // namespace strata::watch
