// SPDX-License-Identifier: GPL-2.0-or-later
#include "mounttable.h"

#include <libmount/libmount.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <unordered_map>

#include "util/uniquefd.h"

namespace strata::mounts {

namespace {

constexpr std::array<std::string_view, 5> kUnionFsTypes {
    "overlay", "fuse.strata-fuse", "fuse.fuse-overlayfs", "fuse.mergerfs", "fuse.unionfs",
};

struct TableDeleter {
    void operator()(libmnt_table *t) const { mnt_unref_table(t); }
};
struct IterDeleter {
    void operator()(libmnt_iter *i) const { mnt_free_iter(i); }
};
struct FileCloser {
    void operator()(FILE *f) const { std::fclose(f); }
};

std::string orEmpty(const char *s)
{
    return s ? std::string(s) : std::string();
}

// libmount decodes the octal escapes of the whole superblock-options field, which
// turns a ',' inside a layer path (printed as \054) into a separator. The raw field is
// taken from the same text libmount parsed, keyed by mount id, so both views agree.
std::unordered_map<int, std::string> rawSuperOptions(std::string_view text)
{
    std::unordered_map<int, std::string> out;
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);

        // Fields are separated by single spaces (spaces inside fields are escaped);
        // the optional fields end with a lone "-", then fstype, source, options.
        std::vector<std::string_view> fields;
        for (size_t pos = 0; pos <= line.size();) {
            size_t sp = line.find(' ', pos);
            if (sp == std::string_view::npos)
                sp = line.size();
            fields.push_back(line.substr(pos, sp - pos));
            pos = sp + 1;
        }
        for (size_t i = 6; i + 3 < fields.size(); ++i) {
            if (fields[i] == "-") {
                out[std::atoi(std::string(fields[0]).c_str())] = std::string(fields[i + 3]);
                break;
            }
        }
    }
    return out;
}

} // namespace

std::span<const std::string_view> unionFsTypes()
{
    return kUnionFsTypes;
}

bool isUnionFsType(std::string_view fstype)
{
    for (auto t : kUnionFsTypes)
        if (t == fstype)
            return true;
    return false;
}

bool MountEntry::isUnion() const
{
    return isUnionFsType(fstype);
}

Result<std::vector<MountEntry>> parseMountInfo(std::string_view text)
{
    std::vector<MountEntry> out;
    if (text.empty())
        return out;
    std::string buf(text);
    std::unique_ptr<FILE, FileCloser> f(::fmemopen(buf.data(), buf.size(), "r"));
    if (!f)
        return fail(sysError(errno, "mountinfo", "cannot open an in-memory stream"));
    std::unique_ptr<libmnt_table, TableDeleter> table(mnt_new_table());
    if (!table)
        return fail(makeError("mountinfo", "libmount could not allocate a table", ENOMEM));
    if (int rc = mnt_table_parse_stream(table.get(), f.get(), "mountinfo"); rc != 0)
        return fail(makeError("mountinfo", "libmount could not parse the mount table", rc < 0 ? -rc : EINVAL));

    const auto raw = rawSuperOptions(text);
    std::unique_ptr<libmnt_iter, IterDeleter> it(mnt_new_iter(MNT_ITER_FORWARD));
    libmnt_fs *fs = nullptr;
    while (mnt_table_next_fs(table.get(), it.get(), &fs) == 0) {
        MountEntry e;
        e.id = mnt_fs_get_id(fs);
        e.parentId = mnt_fs_get_parent_id(fs);
        const dev_t dev = mnt_fs_get_devno(fs);
        e.devMajor = major(dev);
        e.devMinor = minor(dev);
        e.root = orEmpty(mnt_fs_get_root(fs));
        e.target = orEmpty(mnt_fs_get_target(fs));
        e.fstype = orEmpty(mnt_fs_get_fstype(fs));
        e.source = orEmpty(mnt_fs_get_source(fs));
        e.vfsOptions = orEmpty(mnt_fs_get_vfs_options(fs));
        e.optionalFields = orEmpty(mnt_fs_get_optional_fields(fs));
        if (auto r = raw.find(e.id); r != raw.end())
            e.fsOptions = r->second;
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<MountEntry>> readMountTable()
{
    // Read once, parse once: libmount and the raw-options pass must see one snapshot.
    UniqueFd fd(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
    if (!fd)
        return fail(sysError(errno, "/proc/self/mountinfo", "cannot open"));
    std::string text;
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(sysError(errno, "/proc/self/mountinfo", "cannot read"));
        }
        if (n == 0)
            break;
        text.append(chunk, static_cast<size_t>(n));
    }
    return parseMountInfo(text);
}

std::vector<MountEntry> unionMountsOf(std::span<const MountEntry> table)
{
    std::vector<MountEntry> out;
    for (const auto &e : table)
        if (e.isUnion())
            out.push_back(e);
    return out;
}

Result<std::vector<MountEntry>> readUnionMounts()
{
    auto table = readMountTable();
    if (!table)
        return fail(table.error());
    return unionMountsOf(*table);
}

std::optional<MountEntry> mountAt(std::span<const MountEntry> table, std::string_view canonicalTarget)
{
    std::vector<const MountEntry *> candidates;
    for (const auto &e : table)
        if (e.target == canonicalTarget)
            candidates.push_back(&e);
    // Walk backwards so that among mounts nothing is stacked on, the last one wins.
    for (auto c = candidates.rbegin(); c != candidates.rend(); ++c) {
        bool covered = false;
        for (const auto *other : candidates)
            if (other != *c && other->parentId == (*c)->id)
                covered = true;
        if (!covered)
            return **c;
    }
    return std::nullopt;
}

Result<MountEntry> findMount(const std::string &path)
{
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved))
        return fail(sysError(errno, path, "cannot resolve the path"));
    auto table = readMountTable();
    if (!table)
        return fail(table.error());
    if (auto e = mountAt(*table, resolved))
        return *e;
    return fail(makeError(resolved, "not a mount point", EINVAL));
}

} // namespace strata::mounts
