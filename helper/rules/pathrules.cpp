// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathrules.h"

#include "helperprotocol.h"
#include "util/displayname.h"

#include <array>
#include <climits>

namespace strata::helper {

namespace {

// Mounting over these, or anywhere below them, changes what the system runs, logs
// or trusts. /run and /var have per-user corners that are allowed (kAllowedBelow).
constexpr std::array<std::string_view, 18> kSystem = {
    "/etc", "/usr",  "/boot", "/efi",   "/dev",   "/proc",   "/sys", "/run", "/var",
    "/bin", "/sbin", "/lib",  "/lib32", "/lib64", "/libx32", "/opt", "/srv", "/root",
};
// Shared parents: never a mount point themselves, and neither is any direct child
// (a user's whole home, a user's runtime dir); deeper is the caller's business,
// subject to owning the mount point.
constexpr std::array<std::string_view, 7> kShared = {
    "/home", "/tmp", "/var/tmp", "/mnt", "/media", "/run/user", "/run/media",
};
// Parents whose direct children are refused too.
constexpr std::array<std::string_view, 3> kPerUser = {"/home", "/run/user", "/run/media"};

bool isWithin(std::string_view path, std::string_view dir)
{
    return path == dir || (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

bool isDirectChild(std::string_view path, std::string_view dir)
{
    if (!path.starts_with(dir) || path.size() <= dir.size() + 1 || path[dir.size()] != '/')
        return false;
    return path.find('/', dir.size() + 1) == std::string_view::npos;
}

} // namespace

std::string shownPath(std::string_view path)
{
    return displayName(path);
}

std::optional<Refusal> checkPathSyntax(std::string_view what, std::string_view path)
{
    const std::string subject = std::string(what) + " " + shownPath(path);
    if (path.empty() || path.size() >= PATH_MAX)
        return Refusal {PathTooLong, subject, "a path must be 1 to " + std::to_string(PATH_MAX - 1) + " bytes long"};
    // Control bytes first: a newline could forge a line in a log, the mount table or
    // the helper's state file; nothing legitimate needs one in a layer path.
    for (unsigned char c : path)
        if (c < 0x20 || c == 0x7f)
            return Refusal {ControlCharacter, subject,
                            "contains a control character (newline, tab, ...): refused so it cannot forge a line in "
                            "the mount table, a log or the helper's records"};
    if (path.front() != '/')
        return Refusal {NotAbsolute, subject,
                        "is not an absolute path: the helper does not know your working directory"};
    if (!isValidUtf8(path))
        return Refusal {NotUtf8, subject, "is not valid UTF-8, which the helper's D-Bus interface cannot carry"};
    // ',' separates mount options, ':' lower layers in lowerdir= and '\\' escapes
    // both. Layers reach the kernel by file descriptor and strata-fuse through
    // /proc/self/fd, so none of them would be misparsed today; they are refused
    // anyway so that no later code path (a log, fsname=, a legacy mount) can split
    // one path into two.
    for (char c : path)
        if (c == ',' || c == ':' || c == '\\')
            return Refusal {Separator, subject,
                            std::string("contains '") + c
                                + "', a separator or escape of mount option strings: rename the directory"};
    if (path.size() > 1 && path.back() == '/')
        return Refusal {NotCanonical, subject, "is not canonical: remove the trailing '/'"};
    size_t i = 1;
    while (i <= path.size()) {
        const size_t end = std::min(path.find('/', i), path.size());
        const std::string_view part = path.substr(i, end - i);
        if (path.size() > 1 && (part.empty() || part == "." || part == ".."))
            return Refusal {NotCanonical, subject,
                            "is not canonical: it contains \"" + std::string(part.empty() ? "//" : part)
                                + "\"; give the resolved path"};
        i = end + 1;
    }
    return std::nullopt;
}

std::span<const std::string_view> systemDirectories()
{
    return kSystem;
}

std::span<const std::string_view> sharedParents()
{
    return kShared;
}

std::optional<std::string> systemDirectoryOf(std::string_view path)
{
    if (path == "/")
        return std::string("/");
    for (auto shared : kShared)
        if (path == shared)
            return std::string(shared);
    for (auto parent : kPerUser)
        if (isDirectChild(path, parent))
            return std::string(path);
    for (auto sys : kSystem) {
        if (!isWithin(path, sys))
            continue;
        bool allowed = false;
        for (auto shared : kShared)
            allowed = allowed || (shared != sys && isWithin(path, shared));
        if (!allowed)
            return std::string(sys);
    }
    return std::nullopt;
}

std::optional<Refusal> checkStackName(std::string_view name)
{
    if (name.size() > 64)
        return Refusal {BadName, "stack name " + shownPath(name), "is longer than 64 bytes"};
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == '-'))
            return Refusal {BadName, "stack name " + shownPath(name),
                            "may hold only letters, digits, '.', '_' and '-' (it becomes the mount's fsname)"};
    return std::nullopt;
}

std::string Refusal::message() const
{
    return subject + ": " + rule;
}

} // namespace strata::helper
