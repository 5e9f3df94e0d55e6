// SPDX-License-Identifier: GPL-2.0-or-later
#include "origin.h"

#include "ovl/values.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace strata::stack {

bool canOpenByHandle()
{
    // A process's capabilities do not change under us: ask the kernel once.
    static const bool can = [] {
        __user_cap_header_struct hdr {_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[2] {};
        if (::syscall(SYS_capget, &hdr, data) != 0)
            return false;
        return (data[0].effective & (1u << CAP_DAC_READ_SEARCH)) != 0;
    }();
    return can;
}

namespace {

// open_by_handle_at on `layer`, then the opened object's path relative to the
// layer root. Empty on failure.
bool openByHandle(const Layer &layer, const ovl::FileHandle &fh, std::string &relPath, struct stat &st,
                  std::string &why, int &err)
{
    std::vector<unsigned char> buf(sizeof(file_handle) + fh.fid.size());
    auto *h = reinterpret_cast<file_handle *>(buf.data());
    h->handle_bytes = static_cast<unsigned>(fh.fid.size());
    h->handle_type = fh.type;
    std::memcpy(h->f_handle, fh.fid.data(), fh.fid.size());
    // The mount fd must be a real open file: an O_PATH fd gets EBADF.
    const int mountFd = ::openat(layer.fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mountFd < 0) {
        err = errno;
        why = std::string("cannot open the layer root: ") + std::strerror(errno);
        return false;
    }
    const int fd = ::open_by_handle_at(mountFd, h, O_PATH | O_CLOEXEC);
    if (fd < 0)
        err = errno;
    ::close(mountFd);
    if (fd < 0) {
        why = std::string("open_by_handle_at: ") + std::strerror(err);
        return false;
    }
    ::fstat(fd, &st);
    char link[PATH_MAX];
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(proc.c_str(), link, sizeof(link) - 1);
    ::close(fd);
    if (n < 0) {
        why = "cannot read the path of the opened handle";
        return false;
    }
    const std::string abs(link, static_cast<size_t>(n));
    const std::string &root = layer.realPath;
    if (abs == root) {
        relPath.clear();
        return true;
    }
    if (abs.starts_with(root + "/")) {
        relPath = abs.substr(root.size() + 1);
        return true;
    }
    why = "the handle resolves outside this layer (" + abs + ")";
    return false;
}

bool sameFs(const Layer &l, const ovl::FileHandle &fh)
{
    return fh.nullUuid() || !l.fs.uuid || *l.fs.uuid == fh.uuid;
}

} // namespace

bool locateHandle(const LayerStack &stack, const ovl::FileHandle &fh, HandleLocation &where, std::string &why, int &err)
{
    err = ENODEV;
    why = "no lower layer is on the filesystem with uuid " + ovl::formatUuid(fh.uuid);
    for (const Layer &l : stack.layers()) {
        if (l.role == Role::Upper || !sameFs(l, fh))
            continue;
        std::string rel;
        struct stat st {};
        if (openByHandle(l, fh, rel, st, why, err)) {
            // Several layers can share one fs: the object must be inside this one.
            where.layer = l.index;
            where.path = rel;
            where.st = st;
            return true;
        }
    }
    return false;
}

OriginInfo resolveOrigin(const LayerStack &stack, std::string_view value,
                         const std::vector<OriginCandidate> &candidates)
{
    OriginInfo info;
    if (value.empty()) {
        info.status = OriginInfo::Status::Unknown;
        info.detail = "empty origin: copied up from a filesystem that cannot encode file handles";
        return info;
    }
    auto fh = ovl::decodeFileHandle(ovl::asBytes(value));
    if (!fh) {
        info.status = OriginInfo::Status::Malformed;
        info.detail = fh.error().reason;
        return info;
    }
    info.handle = *fh;

    // Layers the handle can belong to: same fs uuid, or any lower when the handle
    // carries a null uuid (uuid=off / null).
    std::vector<const Layer *> layers;
    for (const Layer &l : stack.layers()) {
        if (l.role == Role::Upper)
            continue;
        if (sameFs(l, *fh))
            layers.push_back(&l);
    }
    if (layers.empty()) {
        info.status = OriginInfo::Status::Unresolved;
        info.detail = "no lower layer is on the filesystem with uuid " + ovl::formatUuid(fh->uuid);
        return info;
    }

    if (canOpenByHandle()) {
        HandleLocation where;
        std::string why;
        int err = 0;
        if (locateHandle(stack, *fh, where, why, err)) {
            info.status = OriginInfo::Status::ResolvedByHandle;
            info.layer = where.layer;
            info.path = where.path;
            return info;
        }
        info.status = OriginInfo::Status::Unresolved;
        info.detail = why;
        return info;
    }

    if (const auto ig = fh->inoGen()) {
        for (const auto &c : candidates) {
            const Layer &l = stack.layers()[static_cast<size_t>(c.layer)];
            if (l.role == Role::Upper)
                continue;
            if (sameFs(l, *fh) && static_cast<uint64_t>(c.st.st_ino) == ig->ino) {
                info.status = OriginInfo::Status::VerifiedByInode;
                info.layer = c.layer;
                info.path = c.path;
                return info;
            }
        }
        info.status = OriginInfo::Status::Unresolved;
        info.detail = "inode " + std::to_string(ig->ino)
            + " matches no lower version of this entry; resolving the handle needs CAP_DAC_READ_SEARCH";
        return info;
    }
    info.status = OriginInfo::Status::Unresolved;
    info.detail = "fid type " + fh->fidTypeName() + " can only be resolved with CAP_DAC_READ_SEARCH";
    return info;
}

} // namespace strata::stack
