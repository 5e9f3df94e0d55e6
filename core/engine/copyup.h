// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Copy-up and whiteouts, written as kernel overlayfs writes them
// (fs/overlayfs/copy_up.c, dir.c). All callers hold Fs::tree exclusively, but
// stageCopyUp().

#include "fs.h"
#include "ovl/filehandle.h"

#include <mutex>
#include <sys/stat.h>

namespace strata::engine {

// A copy-up object while it is built, before it is placed. A regular file is
// unnamed where the upper supports O_TMPFILE, as the kernel builds it
// (copy_up.c ovl_copy_up_tmpfile): nothing to rename, and nothing left behind by
// a crash. Else, and for every other type, it has a "#<hex>" name in work/
// (ovl_copy_up_workdir). A regular file's metadata is set through `fd` either way.
struct CopyTemp {
    std::string name; // in work/; empty while unnamed
    UniqueFd fd; // the regular file, open for writing
    bool unnamed() const { return name.empty() && fd.valid(); }
    bool empty() const { return name.empty() && !fd.valid(); }
};

// A lower file's data, copied into workdir/work before the tree lock is taken,
// for the copyUp() that follows. It holds the inode's copyUpMutex, so concurrent
// copy-ups of one inode copy its data once (the second finds the upper in place);
// what was staged and not used is removed when it goes.
class StagedCopy {
public:
    StagedCopy(Fs &f, Inode &i);
    StagedCopy(StagedCopy &&o) noexcept;
    ~StagedCopy();
    StagedCopy(const StagedCopy &) = delete;
    StagedCopy &operator=(const StagedCopy &) = delete;
    bool ready() const { return !m_tmp.empty(); }
    bool unnamed() const { return m_tmp.unnamed(); }
    // The staged file, now the caller's.
    CopyTemp take();
    // The lower's stat the data was staged from: its metadata goes with that data.
    const struct stat &lowerStat() const { return m_lst; }
    // The lower had no security.capability (its xattrs were copied with the data).
    bool noCaps() const { return m_noCaps; }

private:
    friend StagedCopy stageCopyUp(Fs &f, Inode &i, bool truncate);
    Fs &m_f;
    Inode &m_i;
    std::unique_lock<std::mutex> m_lock;
    CopyTemp m_tmp;
    struct stat m_lst {};
    bool m_noCaps = false;
};

// Stages the data of a lower-only regular file without holding Fs::tree (only
// briefly, shared, to look at the inode), so other requests go on while a large
// file is copied. Call with no engine lock held, before locking the tree for the
// copyUp(); nothing is staged when there is nothing to copy (an upper already, a
// directory, an empty file, `truncate`) or the copy failed (copyUp() then tries
// again under the lock and reports the error).
StagedCopy stageCopyUp(Fs &f, Inode &i, bool truncate);

// Gives `i` an upper object, parents first. Staged in workdir/work (CopyTemp):
// the object gets its data (reflink, else copy_file_range with holes kept) and
// xattrs (private overlay ones excluded), is fsynced, then gets owner, mode,
// origin (for directories and files with one link) and times, and is linked or
// renamed into place. A crash leaves either no upper object or the complete one. `truncate`: the caller is about to
// truncate, so no data is copied (open with O_TRUNC).
// `pre`: data staged for `i` by stageCopyUp(), used instead of copying again.
Result<void> copyUp(Fs &f, Inode &i, bool truncate = false, StagedCopy *pre = nullptr);

// copyUp, then, for a metacopy file, its data: an upper metacopy (written by a
// kernel metacopy=on mount) gets the data in place. Before writes, truncation,
// rename and link, which the engine never leaves metadata-only.
Result<void> copyUpData(Fs &f, Inode &i, bool truncate = false, StagedCopy *pre = nullptr);

// The handle the kernel records as the origin of `i`'s top lower object: its own
// encoding plus the uuid of its layer's filesystem, read once at mount.
Result<ovl::FileHandle> lowerHandle(const Fs &f, const Inode &i);

// A fresh "#<hex>" name in workdir/work (dir.c ovl_lookup_temp).
std::string tempName(Fs &f);

// Removes work/`tmp`, a whole tree when `dir`.
void cleanupTemp(Fs &f, const std::string &tmp, bool dir);

// Puts a whiteout (0/0, or an xattr whiteout where the upper cannot hold one:
// upperformat.h) at dirfd/name, replacing what is there (a directory is
// exchanged out and removed), or creating it where nothing is.
Result<void> whiteoutAt(Fs &f, int dirfd, const std::string &name, bool replaceDir);

// Marks an upper directory impure once (util.c ovl_set_impure).
void ensureImpure(Fs &f, Inode &dir);

} // namespace strata::engine
