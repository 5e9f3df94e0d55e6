// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Random layer contents and random operation sequences for the differential test
// (test_engine_diff): everything is derived from a seed, so the same sequence can
// be built and replayed on kernel overlayfs and on strata-fuse, and replayed again
// with fewer operations while minimizing a failure.

#include "ovl/xattrnames.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata::test::fuzz {

enum class Kind : uint8_t {
    Create,
    Write,
    Append,
    Truncate,
    Fallocate,
    CopyRange,
    Mkdir,
    Rmdir,
    Unlink,
    Mkfifo,
    Symlink,
    Link,
    Rename,
    Chmod,
    Chown,
    SetXattr,
    RemoveXattr,
    GetXattr,
    Read,
    Stat,
    List,
    SeekData,
};

struct Op {
    Kind kind = Kind::Stat;
    std::string a, b; // paths relative to the sequence's directory
    long long x = 0, y = 0; // offsets, sizes, modes, ids
    unsigned flags = 0; // rename flags, seek whence
    std::string data;
    std::string describe() const;
};

// The layers of one stack, each sequence working in its own <layer>/<dir>.
struct LayerSet {
    std::vector<std::string> lowers; // top first
    std::string upper; // seeded too (empty: left empty)
    std::vector<std::string> data; // data-only layers ("::")
    ovl::Namespace ns = ovl::Namespace::Trusted; // where layer xattrs go (userxattr: user)
};

// Files, dirs, symlinks, hard links (in the last lower), 0/0 whiteouts and opaque
// dirs (in the upper and every lower but the last), opaque=x dirs holding xattr
// whiteouts (in every lower: top, middle and last), metacopy stubs in the last
// lower whose data is in a data-only layer (when there are any), modes, owners and
// user xattrs, over a small pool of names so that operations keep meeting lower
// objects.
void buildLayers(uint64_t seed, const LayerSet &layers, const std::string &dir);

std::vector<Op> generate(uint64_t seed, int count);

// Applies one operation below `root`; the result is "0", an errno name, or for
// reads what was seen (a digest, a listing, an offset).
std::string apply(const std::string &root, const Op &op);

// A listing of one layer's directory with every xattr, for failure reports.
std::string dumpLayer(const std::string &dir);

} // namespace strata::test::fuzz
