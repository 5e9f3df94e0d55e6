// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What a workdir holds (fs/overlayfs/super.c ovl_workdir_create, ovl_get_indexdir):
//   work/                         emptied at every mount (mode 0), copy-up staging
//   work/incompat/volatile/dirty  left by a volatile mount: the kernel refuses the
//                                 next mount until it is removed
//   index/                        persistent, index=on / nfs_export=on

#include "util/error.h"

#include <string>
#include <vector>

namespace strata::ovl {

struct WorkdirLayout {
    bool exists = false;
    bool hasWork = false;
    bool hasIndex = false;
    bool volatileDirty = false; // work/incompat/volatile present
    std::vector<std::string> incompat; // names under work/incompat/
    size_t workEntries = 0; // leftover staging entries in work/
};

Result<WorkdirLayout> inspectWorkdir(const std::string &workdir);

} // namespace strata::ovl
