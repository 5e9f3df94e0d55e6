// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Decoders for the small overlay xattr values. Each mirrors what the kernel accepts
// (fs/overlayfs/namei.c, util.c, inode.c) and rejects the rest with a reason; none
// reads past the value it is given.

#include "util/error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::ovl {

// overlay.opaque: 'y' hides all lower layers below this dir; 'x' is not opaque but
// marks a merge dir whose children may be xattr whiteouts (v6.7+, opaque=x fix).
enum class Opaque : uint8_t { Yes, XWhiteouts };
Result<Opaque> parseOpaque(std::string_view value);

// overlay.redirect: absolute ("/a/b", from the overlay root, no empty component) or
// relative (one name, resolved in the parent's lookup path); ovl_get_redirect_xattr.
struct Redirect {
    bool absolute = false;
    std::string path; // as stored
    std::vector<std::string> components; // split on '/', never empty
};
Result<Redirect> parseRedirect(std::string_view value);

// overlay.metacopy: empty (legacy) or struct ovl_metacopy
// {u8 version=0, u8 len, u8 flags, u8 digest_algo, u8 digest[]} with 4 <= size <= 68
// and len == size (OVL_METACOPY_MIN_SIZE / sizeof(struct ovl_metacopy)); util.c
// ovl_check_metacopy_xattr. Sizes 1..3 break every lookup (EIO); version, len and the
// maximum are only enforced when the kernel reads the digest (verity=on/require).
// encodeMetacopy writes what ovl_set_metacopy_xattr writes: empty when version, flags
// and digest_algo are all 0, else the header with len = 4 + digest size.
struct Metacopy {
    bool legacy = true; // empty value: metadata only, no digest
    uint8_t version = 0;
    uint8_t len = 0;
    uint8_t flags = 0;
    uint8_t digestAlgo = 0; // FS_VERITY_HASH_ALG_*: 0 none, 1 sha256, 2 sha512
    std::vector<uint8_t> digest;
    std::string_view digestAlgoName() const; // "none", "sha256", "sha512", "unknown"
};
Result<Metacopy> parseMetacopy(std::span<const uint8_t> value);
std::vector<uint8_t> encodeMetacopy(const Metacopy &m);

// overlay.nlink on index entries: "U+N"/"U-N" relative to the upper inode's nlink,
// "L+N"/"L-N" relative to the lower's (inode.c ovl_set_nlink_common / ovl_get_nlink).
// The kernel requires the sign right after the base letter, then parses from the sign
// with kstrtoint (decimal, one optional trailing newline, int range, at most 12 bytes).
// apply() returns 0 where the kernel rejects the result (<= 0) and keeps the real nlink.
struct Nlink {
    enum class Base : uint8_t { Upper, Lower } base = Base::Upper;
    int delta = 0;
    unsigned apply(unsigned realNlink) const; // the union nlink it encodes
};
Result<Nlink> parseNlink(std::string_view value);
std::string encodeNlink(Nlink n);

// overlay.protattr: 'a' append-only, 'i' immutable (util.c ovl_check_protattr).
struct Protattr {
    bool append = false;
    bool immutable = false;
};
Result<Protattr> parseProtattr(std::string_view value);

// overlay.uuid on the upper root: 16 raw bytes (util.c ovl_init_uuid_xattr).
Result<std::array<uint8_t, 16>> parseUuid(std::span<const uint8_t> value);
std::string formatUuid(std::span<const uint8_t, 16> uuid); // 8-4-4-4-12 lowercase

// overlay.impure: 'y'.
Result<void> parseImpure(std::string_view value);

inline std::span<const uint8_t> asBytes(std::string_view s)
{
    return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}

} // namespace strata::ovl
