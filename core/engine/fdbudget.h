// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The fd budget. Every inode the kernel has cached holds O_PATH fds (its upper
// object, its lower file or directories), and the kernel may cache far more
// inodes than RLIMIT_NOFILE allows fds. So the fds of idle non-directories (not
// open, one link, not being copied up) are closed, least recently used first,
// once they pass the budget, and reopened on their next use by resolving the
// inode's last known parent and name again. The name is kept exact by the engine
// (rename moves it, an object with several links is never evicted), and the
// reopened object must have the same identity, else the inode is stale (ESTALE),
// as an NFS client would see it. Directories are evicted the same way (an fd for
// each of their layers): a request reopens the evicted ancestors of what it uses,
// from the root down, before the object itself, so under any limit a tree of any
// size is walked, only with more reopening.

#include "fs.h"

namespace strata::engine {

// Raises RLIMIT_NOFILE (soft to hard; with CAP_SYS_RESOURCE the hard limit up to
// fs.nr_open) and sets Fs::fdBudget from what it got. Returns the soft limit.
unsigned long setFdBudget(Fs &f);

// An inode entered (or leaves) the inode table with its fds. Fs::table held.
void countFds(Fs &f, Inode &i);
void uncountFds(Fs &f, Inode &i);
// Copy-up gave `i` an upper fd.
void countUpperFd(Fs &f, Inode &i);

// Marks `i` used now (the least recently used are evicted first).
void touchInode(Fs &f, Inode &i);

// Gives an inode, and every ancestor, its fds back where they were evicted. Call
// with Fs::tree held (shared is enough) before touching the fds of an inode the
// kernel named, or of its parents. 0, or the errno: ESTALE when a name now
// resolves to another object.
int ensureFds(Fs &f, Inode &i);

// `known` is the inode a fresh resolution (`fresh`) found again: takes the fresh
// fds when known's were evicted. Fs::tree held, Fs::table not.
void adoptFds(Fs &f, Inode &known, Inode &fresh);

// Fs::tree, exclusively, for a change of the union's shape; past the budget it
// first evicts down to 3/4 of it (the change may need fds of its own).
std::unique_lock<std::shared_mutex> lockTreeForChange(Fs &f);

// Call with no engine lock held, after a request that may have added inodes: past
// the budget, takes Fs::tree exclusively and evicts down to 3/4 of it. `urgent`
// (an EMFILE was seen): evicts down to half of what is held, whatever the budget.
void relieveFdPressure(Fs &f, bool urgent = false);

} // namespace strata::engine
