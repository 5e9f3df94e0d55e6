// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "ovl/filehandle.h"
#include "ovl/values.h"
#include "util/error.h"

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace strata::stack {

enum class FileType : uint8_t { Regular, Directory, Symlink, CharDevice, BlockDevice, Fifo, Socket, Unknown };
FileType fileTypeOf(mode_t mode);
std::string_view fileTypeName(FileType t); // "file", "dir", "symlink", "chardev", ...

// The stat facts the inspector shows, as the real layer inode has them.
struct Attrs {
    FileType type = FileType::Unknown;
    mode_t mode = 0; // full st_mode
    uid_t uid = 0;
    gid_t gid = 0;
    off_t size = 0;
    blkcnt_t blocks = 0;
    nlink_t nlink = 0;
    ino_t ino = 0;
    dev_t dev = 0;
    dev_t rdev = 0;
    timespec mtime {};
    static Attrs fromStat(const struct stat &st);
};

// Overlay states of one merged entry; several can hold at once.
enum State : uint32_t {
    StateWhiteout = 1u << 0, // the name is deleted in this layer (listed only on request)
    StateXattrWhiteout = 1u << 1, // ... by an xattr whiteout, not a 0/0 device
    StateSharedWhiteout = 1u << 2, // ... by a hard-linked shared whiteout inode (nlink > 1)
    StateOpaque = 1u << 3, // dir with opaque=y: nothing below shows through
    StateXWhiteoutsDir = 1u << 4, // dir with opaque=x: may hold xattr whiteouts
    StateMerged = 1u << 5, // dir merged from more than one layer
    StateRedirected = 1u << 6, // dir (or metacopy file) with overlay.redirect
    StateCopiedUp = 1u << 7, // has overlay.origin: copied up from a lower layer
    StateMetacopy = 1u << 8, // metadata only: data lives in another layer
    StateImpure = 1u << 9, // dir with overlay.impure
    StateUpperOnly = 1u << 10, // in the upper with nothing beneath: created there
};
std::vector<std::string_view> stateNames(uint32_t state); // "whiteout", "opaque", ...

// What a layer beneath the visible entry holds under the same name.
enum class ShadowKind : uint8_t {
    Hidden, // a version replaced by a higher layer
    Merged, // a directory merged into the visible one (not hidden: contributes)
    Whiteout, // a whiteout (itself hidden by the entry above)
    DataSource, // the file that holds the data of a metacopy entry above
    Unrelated, // below a redirected dir: same name, but not part of this dir
};
std::string_view shadowKindName(ShadowKind k);

struct ShadowedVersion {
    int layer = 0;
    std::string path; // within that layer
    ShadowKind kind = ShadowKind::Hidden;
    Attrs attrs;
};

// Where a copied-up entry came from, decoded from overlay.origin.
struct OriginInfo {
    enum class Status : uint8_t {
        Unknown,        // empty origin: lower fs could not encode a handle
        Malformed,      // the kernel would reject it (EINVAL) or ignore it (ENODATA)
        Unresolved,     // valid handle, but no layer file matches it
        VerifiedByInode, // a lower file at the expected path has the fid's inode number
        ResolvedByHandle, // open_by_handle_at found it (needs CAP_DAC_READ_SEARCH)
    } status = Status::Unknown;
    std::optional<ovl::FileHandle> handle;
    int layer = -1; // the lower layer holding the origin, when found
    std::string path; // its path in that layer
    std::string detail; // why unresolved / malformed
};
std::string_view originStatusName(OriginInfo::Status s);

// Where the data of a metacopy entry is.
struct DataInfo {
    std::optional<ovl::Metacopy> metacopy; // decoded xattr (digest, algorithm)
    int layer = -1; // layer holding the data file, -1 when not found
    std::string path;
};

// An optional fact few entries have, kept out of line: std::optional would carry its
// full size inline in every entry (OriginInfo 136 bytes, DataInfo 80), which a tree
// of a million entries held in memory pays a million times. The optional subset of
// std::optional's interface; copies are deep.
template<class T>
class Rare {
public:
    Rare() = default;
    Rare(std::nullopt_t) { }
    Rare(const T &v)
        : m_p(std::make_unique<T>(v))
    { }
    Rare(T &&v)
        : m_p(std::make_unique<T>(std::move(v)))
    { }
    Rare(const Rare &o)
        : m_p(o.m_p ? std::make_unique<T>(*o.m_p) : nullptr)
    { }
    Rare(Rare &&) noexcept = default;
    Rare &operator=(const Rare &o)
    {
        if (this != &o)
            m_p = o.m_p ? std::make_unique<T>(*o.m_p) : nullptr;
        return *this;
    }
    Rare &operator=(Rare &&) noexcept = default;
    bool has_value() const { return m_p != nullptr; }
    explicit operator bool() const { return m_p != nullptr; }
    T &operator*() { return *m_p; }
    const T &operator*() const { return *m_p; }
    T *operator->() { return m_p.get(); }
    const T *operator->() const { return m_p.get(); }
    void reset() { m_p.reset(); }

private:
    std::unique_ptr<T> m_p;
};

struct MergedEntry {
    std::string name; // bytes, as on disk
    int layer = 0; // the layer this entry comes from (its visible version)
    std::string layerPath; // path of that version within its layer
    Attrs attrs;
    uint32_t state = 0;
    std::optional<std::string> redirect; // raw overlay.redirect
    Rare<OriginInfo> origin;
    Rare<DataInfo> data;
    std::optional<ovl::Protattr> protattr;
    std::vector<int> dirLayers; // dirs: layers merged here, top first
    std::vector<ShadowedVersion> shadowed; // what lies beneath, top first
    std::vector<Error> problems; // facts that could not be read or decoded

    bool isDir() const { return attrs.type == FileType::Directory; }
    bool isWhiteout() const { return state & StateWhiteout; }
};

} // namespace strata::stack
