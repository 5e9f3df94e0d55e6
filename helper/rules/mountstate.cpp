// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountstate.h"

#include "helperprotocol.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::helper {

namespace {

std::unexpected<Refusal> stateError(const std::string &what, int err)
{
    return refuse(StateError, "the helper's mount records", what + ": " + std::strerror(err));
}

} // namespace

MountState::MountState(std::string dir)
    : m_dir(std::move(dir))
{ }

Checked<void> MountState::ensureDir() const
{
    if (::mkdir(m_dir.c_str(), 0700) != 0 && errno != EEXIST)
        return stateError("cannot create " + m_dir, errno);
    struct stat st {};
    if (::lstat(m_dir.c_str(), &st) != 0)
        return stateError("cannot examine " + m_dir, errno);
    // Only ours: a directory someone else made (or a symlink) is not trusted.
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077))
        return refuse(StateError, m_dir, "is not a private directory of the helper's user (mode 0700)");
    return {};
}

Checked<std::vector<MountRecord>> MountState::load() const
{
    std::vector<MountRecord> out;
    if (auto ok = ensureDir(); !ok)
        return std::unexpected(ok.error());
    const int fd = ::open(file().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return out;
        return stateError("cannot read " + file(), errno);
    }
    std::string text;
    char buf[8192];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        text.append(buf, static_cast<size_t>(n));
    ::close(fd);
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("mounts") || !json["mounts"].is_array())
        return refuse(StateError, file(), "is not a mount record file of strata-helper");
    for (const auto &m : json["mounts"]) {
        if (!m.is_object())
            continue;
        MountRecord r;
        r.mountId = m.value("mount_id", uint64_t {0});
        r.owner = m.value("owner_uid", uid_t {0});
        r.backend = m.value("backend", std::string());
        r.mountpoint = m.value("mountpoint", std::string());
        r.name = m.value("name", std::string());
        if (r.mountId)
            out.push_back(std::move(r));
    }
    return out;
}

Checked<std::optional<MountRecord>> MountState::find(uint64_t mountId) const
{
    auto all = load();
    if (!all)
        return std::unexpected(all.error());
    for (auto &r : *all)
        if (r.mountId == mountId)
            return std::optional<MountRecord>(r);
    return std::optional<MountRecord>();
}

Checked<void> MountState::add(const MountRecord &record)
{
    auto all = load();
    if (!all)
        return std::unexpected(all.error());
    std::erase_if(*all, [&](const MountRecord &r) { return r.mountId == record.mountId; });
    all->push_back(record);
    return save(*all);
}

Checked<void> MountState::remove(uint64_t mountId)
{
    auto all = load();
    if (!all)
        return std::unexpected(all.error());
    std::erase_if(*all, [&](const MountRecord &r) { return r.mountId == mountId; });
    return save(*all);
}

Checked<void> MountState::save(const std::vector<MountRecord> &records) const
{
    nlohmann::json mounts = nlohmann::json::array();
    for (const auto &r : records)
        mounts.push_back({{"mount_id", r.mountId},
                          {"owner_uid", r.owner},
                          {"backend", r.backend},
                          {"mountpoint", r.mountpoint},
                          {"name", r.name}});
    const std::string text = nlohmann::json {{"schema", 1}, {"mounts", mounts}}.dump(2) + "\n";
    const std::string tmp = file() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return stateError("cannot write " + tmp, errno);
    // A short write sets no errno; on a local filesystem it means the disk is full.
    const ssize_t n = ::write(fd, text.data(), text.size());
    int err = n < 0 ? errno : (static_cast<size_t>(n) != text.size() ? ENOSPC : 0);
    if (err == 0 && ::fsync(fd) != 0)
        err = errno;
    ::close(fd);
    if (err == 0 && ::rename(tmp.c_str(), file().c_str()) != 0)
        err = errno;
    if (err != 0) {
        ::unlink(tmp.c_str());
        return stateError("cannot write " + file(), err);
    }
    return {};
}

} // namespace strata::helper
