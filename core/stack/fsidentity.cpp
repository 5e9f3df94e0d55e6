// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsidentity.h"

#include "mounts/fsfacts.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

namespace strata::stack {

Result<FsIdentity> fsIdentityOf(int fd)
{
    FsIdentity id;
    mounts::FsFacts facts;
    if (!mounts::fsFactsOf(fd, facts))
        return fail(sysError(errno, "", "statfs failed"));
    id.fsType = facts.typeName();
    id.remote = facts.kind.remote;
    id.readOnly = facts.readOnly;
    struct stat st {};
    if (::fstat(fd, &st) == 0)
        id.dev = st.st_dev;

    // FS_IOC_GETFSUUID (6.5+) works on an fd opened for reading, not O_PATH.
    const int rfd = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd >= 0) {
#ifdef FS_IOC_GETFSUUID
        struct fsuuid2 u {};
        if (::ioctl(rfd, FS_IOC_GETFSUUID, &u) == 0 && u.len == 16) {
            std::array<uint8_t, 16> uuid {};
            std::memcpy(uuid.data(), u.uuid, 16);
            id.uuid = uuid;
        }
#endif
        ::close(rfd);
    }
    return id;
}

} // namespace strata::stack
