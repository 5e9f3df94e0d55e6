// SPDX-License-Identifier: GPL-2.0-or-later
#include "fsidentity.h"

#include "mounts/fsfacts.h"

#include <cerrno>
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

    id.uuid = mounts::fsUuidOf(fd);
    return id;
}

} // namespace strata::stack
