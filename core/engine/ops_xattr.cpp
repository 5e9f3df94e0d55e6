// SPDX-License-Identifier: GPL-2.0-or-later
#include "ops.h"

#include "copyup.h"
#include "fdbudget.h"
#include "ovl/xattrnames.h"
#include "resolve.h"
#include "util/xattrio.h"

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

// The real object's xattrs (the upper's when there is one, else the top lower's),
// reached through util/xattrio without following a symlink: a symlink's trusted.*
// and security.* xattrs are its own, as overlayfs shows them (the VFS already
// answers user.* on symlinks itself: ENODATA to read, EPERM to write). An object no
// longer at its name (unlinked, still open) is reached through /proc/self/fd/N,
// which follows it: a symlink cannot be open, so nothing is lost. Only a symlink
// needs its name looked up (two stats): /proc/self/fd/N of anything else is the
// object itself, one syscall on the getxattr every write without passthrough sends.
struct Target {
    std::optional<XattrPlace> place;
    std::string path; // everything but a symlink

    explicit Target(const Inode &i)
        : place(S_ISLNK(i.type) ? xattrPlace(i, i.upper.valid()) : std::nullopt)
    {
        if (!place)
            path = procPath(i.realFd());
    }
    ssize_t get(const std::string &name, char *buf, size_t size) const
    {
        if (!place)
            return ::getxattr(path.c_str(), name.c_str(), buf, size);
        auto v = getXattrAt(place->dirfd, place->name, name);
        if (!v)
            return errno = v.error().code, -1;
        if (!*v)
            return errno = ENODATA, -1;
        if (size && (*v)->size() > size)
            return errno = ERANGE, -1;
        if (size)
            std::memcpy(buf, (*v)->data(), (*v)->size());
        return static_cast<ssize_t>((*v)->size());
    }
    Result<std::vector<std::string>> list() const
    {
        if (place)
            return listXattrsAt(place->dirfd, place->name);
        std::vector<std::string> out;
        ssize_t len = ::listxattr(path.c_str(), nullptr, 0);
        std::vector<char> names(len > 0 ? static_cast<size_t>(len) : 0);
        if (len > 0)
            len = ::listxattr(path.c_str(), names.data(), names.size());
        if (len < 0)
            return fail(sysError(errno, path, "listxattr"));
        for (const char *n = names.data(); n < names.data() + len; n += std::strlen(n) + 1)
            out.emplace_back(n);
        return out;
    }
};

} // namespace

void opGetxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    OpStart op(req, ino, OpStart::Fds);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    const std::string real = realName(f, name);
    // Asked before every first write to an inode and every chown (the kernel's
    // security_inode_need_killpriv): a known absence costs no syscall.
    const bool caps = real == "security.capability";
    if (caps && i.upper.valid() && i.upperNoCaps.load()) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    std::vector<char> buf(size);
    const ssize_t n = Target(i).get(real, size ? buf.data() : nullptr, size);
    if (n < 0 && errno == ENODATA && caps && i.upper.valid())
        i.upperNoCaps = true;
    if (n < 0)
        fuse_reply_err(req, errno);
    else if (size == 0)
        fuse_reply_xattr(req, static_cast<size_t>(n));
    else
        fuse_reply_buf(req, buf.data(), static_cast<size_t>(n));
}

void opListxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    OpStart op(req, ino, OpStart::Fds);
    if (op.replyIfFailed(req))
        return;
    Fs &f = op.f;
    Inode &i = op.inode();
    auto names = Target(i).list();
    if (!names) {
        fuse_reply_err(req, errOf(names.error()));
        return;
    }
    std::string out;
    const uid_t caller = fuse_req_ctx(req)->uid;
    for (const auto &n : *names)
        if (auto shown = shownName(f, n, caller)) {
            out += *shown;
            out += '\0';
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
    OpStart op(req, ino, OpStart::Writes);
    if (op.err)
        return op.err;
    Fs &f = op.f;
    auto g = lockTreeForChange(f);
    Inode &i = op.inode();
    i.upperNoCaps = false; // whatever the name: read again next time
    if (const int err = ensureFds(f, i))
        return err;
    const std::string real = realName(f, name);
    // Removing an absent xattr of a lower object copies nothing up (ovl_xattr_set).
    if (remove && !i.upper.valid() && Target(i).get(real, nullptr, 0) < 0)
        return errno;
    // An object with an upper (an indexed file shown through its index entry too)
    // is changed there: ovl_xattr_set copies up only what has no upper, so it does
    // not link up an index entry's name.
    if (!i.upper.valid())
        if (auto r = copyUp(f, i); !r)
            return errOf(r.error());
    const auto place = xattrPlace(i, true);
    if (!place) {
        // Not at its name any more (unlinked, still open): through its fd.
        const std::string path = procPath(i.upper.get());
        const int rc = remove ? ::removexattr(path.c_str(), real.c_str())
                              : ::setxattr(path.c_str(), real.c_str(), value, size, flags);
        return rc == 0 ? 0 : errno;
    }
    auto r = remove ? removeXattrAt(place->dirfd, place->name, real)
                    : setXattrAt(place->dirfd, place->name, real, std::string_view(value, size), flags);
    return r ? 0 : errOf(r.error());
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
