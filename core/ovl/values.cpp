// SPDX-License-Identifier: GPL-2.0-or-later
#include "values.h"

#include "util/displayname.h"

#include <cerrno>
#include <climits>
#include <cstdio>

namespace strata::ovl {

namespace {

std::string shown(std::string_view v)
{
    return "\"" + displayName(v) + "\"";
}

} // namespace

// util.c ovl_get_dir_xattr_val: the kernel reads the value with a 1-byte buffer, so
// any longer value fails with ERANGE and counts as "not opaque"; only the exact
// bytes "y" and "x" mean something (namei.c ovl_lookup_single).
Result<Opaque> parseOpaque(std::string_view value)
{
    if (value == "y")
        return Opaque::Yes;
    if (value == "x")
        return Opaque::XWhiteouts;
    if (value.empty())
        return fail(
            makeError({}, "opaque: empty value; the kernel reads one byte and treats this dir as not opaque", EINVAL));
    if (value.size() > 1)
        return fail(
            makeError({},
                      "opaque: value " + shown(value) + " is " + std::to_string(value.size())
                          + " bytes; the kernel reads exactly one ('y' or 'x') and treats this dir as not opaque",
                      EINVAL));
    return fail(makeError(
        {}, "opaque: value " + shown(value) + " is neither 'y' nor 'x'; the kernel treats this dir as not opaque",
        EINVAL));
}

// util.c ovl_get_redirect_xattr: empty is invalid; an absolute path ('/' first) must
// have no empty component (no "//", no trailing '/', not "/" alone); a relative one
// must not contain '/'. The kernel handles the value as a C string, so an embedded
// NUL would silently cut it: rejected here.
Result<Redirect> parseRedirect(std::string_view value)
{
    auto invalid
        = [&](std::string why) { return fail(makeError({}, "redirect: " + shown(value) + ": " + why, EINVAL)); };
    if (value.empty())
        return invalid("empty value");
    if (value.find('\0') != std::string_view::npos)
        return invalid("embedded NUL byte (the kernel would read only the part before it)");
    Redirect r;
    r.path = std::string(value);
    if (value.front() == '/') {
        r.absolute = true;
        std::string_view rest = value.substr(1);
        for (;;) {
            const size_t slash = rest.find('/');
            const std::string_view comp = rest.substr(0, slash);
            if (comp.empty())
                return invalid("empty path component in absolute redirect");
            r.components.emplace_back(comp);
            if (slash == std::string_view::npos)
                break;
            rest.remove_prefix(slash + 1);
        }
    } else {
        if (value.find('/') != std::string_view::npos)
            return invalid("a relative redirect must be a single name without '/'");
        r.components.emplace_back(value);
    }
    return r;
}

// util.c ovl_check_metacopy_xattr + overlayfs.h struct ovl_metacopy:
// OVL_METACOPY_MIN_SIZE = 4, OVL_METACOPY_MAX_SIZE = 4 + FS_VERITY_MAX_DIGEST_SIZE (64).
// An empty value is the legacy form. Sizes 1..3 fail every lookup with EIO ("too small
// xattr"). The version, len == size and the 68-byte maximum (the kernel reads into a
// 68-byte buffer: ERANGE) are only checked when the data is read, i.e. with verity=on
// or require (ovl_validate_verity); a plain lookup accepts them.
Result<Metacopy> parseMetacopy(std::span<const uint8_t> value)
{
    constexpr size_t kMin = 4, kMax = 4 + 64;
    Metacopy m;
    if (value.empty())
        return m;
    m.legacy = false;
    if (value.size() < kMin)
        return fail(makeError({},
                              "metacopy: " + std::to_string(value.size())
                                  + " bytes is too small (empty or at least 4 bytes expected)",
                              EIO));
    if (value.size() > kMax)
        return fail(makeError({},
                              "metacopy: " + std::to_string(value.size())
                                  + " bytes is too big (at most 68 bytes; the kernel's read fails with ERANGE)",
                              ERANGE));
    m.version = value[0];
    m.len = value[1];
    m.flags = value[2];
    m.digestAlgo = value[3];
    if (m.version != 0)
        return fail(makeError({}, "metacopy: version " + std::to_string(m.version) + ", expected 0", EIO));
    if (m.len != value.size())
        return fail(makeError({},
                              "metacopy: len " + std::to_string(m.len) + " does not match the value size "
                                  + std::to_string(value.size()),
                              EIO));
    m.digest.assign(value.begin() + kMin, value.end());
    return m;
}

std::string_view Metacopy::digestAlgoName() const
{
    switch (digestAlgo) {
    case 0:
        return "none";
    case 1:
        return "sha256"; // FS_VERITY_HASH_ALG_SHA256
    case 2:
        return "sha512"; // FS_VERITY_HASH_ALG_SHA512
    default:
        return "unknown";
    }
}

// util.c ovl_set_metacopy_xattr: with version 0, no flags and no digest algorithm the
// kernel writes an empty value rather than the 4-byte header.
std::vector<uint8_t> encodeMetacopy(const Metacopy &m)
{
    if (m.legacy || (m.version == 0 && m.flags == 0 && m.digestAlgo == 0))
        return {};
    std::vector<uint8_t> out {m.version, static_cast<uint8_t>(4 + m.digest.size()), m.flags, m.digestAlgo};
    out.insert(out.end(), m.digest.begin(), m.digest.end());
    return out;
}

unsigned Nlink::apply(unsigned realNlink) const
{
    // inode.c ovl_get_nlink: a result <= 0 is rejected (the kernel falls back to the
    // real inode's nlink); 0 here means "invalid".
    const long long n = static_cast<long long>(realNlink) + delta;
    return n <= 0 ? 0u : static_cast<unsigned>(n > UINT_MAX ? UINT_MAX : n);
}

// inode.c ovl_get_nlink: read into a 13-byte buffer (at most 12 bytes, longer: ERANGE),
// handled as a C string; byte 0 must be 'L' or 'U', byte 1 must be '+' or '-' (a sign
// is mandatory), then kstrtoint(buf + 1, 10): optional sign already present, decimal
// digits, one optional trailing '\n', int range.
Result<Nlink> parseNlink(std::string_view value)
{
    auto invalid = [&](std::string why) { return fail(makeError({}, "nlink: " + shown(value) + ": " + why, EINVAL)); };
    if (value.size() > 12)
        return invalid("longer than the 12 bytes the kernel reads");
    if (const size_t nul = value.find('\0'); nul != std::string_view::npos)
        value = value.substr(0, nul); // the kernel stops at the first NUL
    if (value.size() < 2)
        return invalid("too short; expected U or L, a sign and a number");
    Nlink n;
    if (value[0] == 'U')
        n.base = Nlink::Base::Upper;
    else if (value[0] == 'L')
        n.base = Nlink::Base::Lower;
    else
        return invalid("base must be 'U' (upper) or 'L' (lower)");
    if (value[1] != '+' && value[1] != '-')
        return invalid("a '+' or '-' sign must follow the base");
    // kstrtoint -> kstrtoll: '-' then _kstrtoull, which itself skips one '+'.
    std::string_view s = value.substr(1);
    bool negative = false;
    if (s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    unsigned long long mag = 0;
    size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
        mag = mag * 10 + static_cast<unsigned>(s[digits] - '0');
        if (mag > 1ull << 32)
            return invalid("number out of range");
        ++digits;
    }
    if (digits == 0)
        return invalid("no digits after the sign");
    s.remove_prefix(digits);
    if (!s.empty() && s.front() == '\n')
        s.remove_prefix(1);
    if (!s.empty())
        return invalid("trailing characters after the number");
    const long long v = negative ? -static_cast<long long>(mag) : static_cast<long long>(mag);
    if (v < INT_MIN || v > INT_MAX)
        return invalid("number out of int range");
    n.delta = static_cast<int>(v);
    return n;
}

// inode.c ovl_set_nlink_common: snprintf("U%+i") / ("L%+i").
std::string encodeNlink(Nlink n)
{
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%c%+i", n.base == Nlink::Base::Upper ? 'U' : 'L', n.delta);
    return buf;
}

// util.c ovl_check_protattr: read with a 32-byte buffer (OVL_PROTATTR_MAX; longer
// values fail with ERANGE and are silently ignored); every byte must be 'a' or 'i',
// and an empty value is "incompatible overlay.protattr format" too.
Result<Protattr> parseProtattr(std::string_view value)
{
    if (value.empty())
        return fail(makeError({}, "protattr: empty value (incompatible overlay.protattr format)", EINVAL));
    if (value.size() > 32)
        return fail(makeError({},
                              "protattr: " + std::to_string(value.size())
                                  + " bytes is longer than the 32 the kernel reads; it ignores the value",
                              ERANGE));
    Protattr p;
    for (const char c : value) {
        if (c == 'a')
            p.append = true;
        else if (c == 'i')
            p.immutable = true;
        else
            return fail(makeError({},
                                  "protattr: unknown flag " + shown(std::string_view(&c, 1)) + " in " + shown(value)
                                      + " (only 'a' and 'i'; incompatible overlay.protattr format)",
                                  EINVAL));
    }
    return p;
}

// util.c ovl_init_uuid_xattr: read into a 16-byte buffer and used only when exactly 16
// bytes came back; anything else makes the kernel fall back to uuid=null.
Result<std::array<uint8_t, 16>> parseUuid(std::span<const uint8_t> value)
{
    if (value.size() != 16)
        return fail(makeError({},
                              "uuid: " + std::to_string(value.size())
                                  + " bytes, expected exactly 16 (the kernel falls back to uuid=null)",
                              value.size() > 16 ? ERANGE : EINVAL));
    std::array<uint8_t, 16> out;
    std::copy(value.begin(), value.end(), out.begin());
    return out;
}

std::string formatUuid(std::span<const uint8_t, 16> uuid)
{
    std::string out;
    static constexpr char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += digits[uuid[i] >> 4];
        out += digits[uuid[i] & 0xf];
    }
    return out;
}

// util.c ovl_set_impure writes "y"; ovl_is_impuredir reads one byte and compares to 'y'.
Result<void> parseImpure(std::string_view value)
{
    if (value == "y")
        return {};
    return fail(makeError({}, "impure: value " + shown(value) + " is not \"y\"; the kernel ignores it", EINVAL));
}

} // namespace strata::ovl
