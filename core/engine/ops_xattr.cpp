// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "ovl/xattrnames.h"
#include "resolve.h"

#include <cstring>
#include <sys/xattr.h>
#include <vector>

namespace strata::engine {

namespace {

// How a name asked for through the union maps onto the layers (xattrs.c):
// this overlay's own prefix is escaped one level ("trusted.overlay.X" is stored
// as "trusted.overlay.overlay.X"), every other name is itself.
std::string realName(Fs &f, const std::string &name)
{
    if (auto p = ovl::parseName(name); p && p->ns == f.layers.ns)
        if (auto e = ovl::escapeName(name))
            return *e;
    return name;
}

// Listed names: private ones hidden, escaped ones shown one level up; trusted.*
// only to callers the kernel would show them to (CAP_SYS_ADMIN, here uid 0).
std::optional<std::string> shownName(Fs &f, const std::string &real, uid_t caller)
{
    if (real.starts_with("trusted.") && caller != 0)
        return std::nullopt;
    if (auto p = ovl::parseName(real); p && p->ns == f.layers.ns) {
        if (p->escapeDepth == 0)
            return std::nullopt;
        return ovl::unescapeName(real);
    }
    return real;
}

bool isSymlink(const Inode &i)
{
    return (i.type & S_IFMT) == S_IFLNK;
}

} // namespace

void opGetxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    Fs &f = fs(req);
    std::shared_lock g(f.tree);
    Inode &i = f.inode(ino);
    if (const int err = ensureFds(f, i)) {
        fuse_reply_err(req, err);
        return;
    }
    if (isSymlink(i)) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    const std::string path = procPath(i.realFd());
    const std::string real = realName(f, name);
    std::vector<char> buf(size);
    const ssize_t n = ::getxattr(path.c_str(), real.c_str(), size ? buf.data() : nullptr, size);
    if (n < 0)
        fuse_reply_err(req, errno);
    else if (size == 0)
        fuse_reply_xattr(req, static_cast<size_t>(n));
    else
        fuse_reply_buf(req, buf.data(), static_cast<size_t>(n));
}

void opListxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    Fs &f = fs(req);
    std::shared_lock g(f.tree);
    Inode &i = f.inode(ino);
    if (const int err = ensureFds(f, i)) {
        fuse_reply_err(req, err);
        return;
    }
    std::string out;
    if (!isSymlink(i)) {
        const std::string path = procPath(i.realFd());
        ssize_t len = ::listxattr(path.c_str(), nullptr, 0);
        std::vector<char> names(len > 0 ? static_cast<size_t>(len) : 0);
        if (len > 0)
            len = ::listxattr(path.c_str(), names.data(), names.size());
        if (len < 0) {
            fuse_reply_err(req, errno);
            return;
        }
        const uid_t caller = fuse_req_ctx(req)->uid;
        for (const char *n = names.data(); n < names.data() + len; n += std::strlen(n) + 1)
            if (auto shown = shownName(f, n, caller)) {
                out += *shown;
                out += '\0';
            }
    }
    if (size == 0)
        fuse_reply_xattr(req, out.size());
    else if (out.size() > size)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, out.data(), out.size());
}

static int changeXattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags,
                       bool remove)
{
    Fs &f = fs(req);
    if (f.readOnly())
        return EROFS;
    auto g = lockTreeForChange(f);
    Inode &i = f.inode(ino);
    if (const int err = ensureFds(f, i))
        return err;
    if (isSymlink(i))
        return EPERM;
    // Removing an absent xattr of a lower object copies nothing up (ovl_xattr_set).
    if (remove && !i.upper.valid()
        && ::getxattr(procPath(i.realFd()).c_str(), realName(f, name).c_str(), nullptr, 0) < 0)
        return errno;
    if (auto r = copyUp(f, i); !r)
        return r.error().code ? r.error().code : EIO;
    const std::string path = procPath(i.upper.get());
    const std::string real = realName(f, name);
    const int rc = remove ? ::removexattr(path.c_str(), real.c_str())
                          : ::setxattr(path.c_str(), real.c_str(), value, size, flags);
    return rc == 0 ? 0 : errno;
}

void opSetxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags)
{
    fuse_reply_err(req, changeXattr(req, ino, name, value, size, flags, false));
}

void opRemovexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    fuse_reply_err(req, changeXattr(req, ino, name, nullptr, 0, 0, true));
}

} // namespace strata::engine
