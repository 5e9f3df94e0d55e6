// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Typed access to one object's overlay xattrs: the only place outside ovl/ tests that
// turns layer xattrs into overlay facts. Readers return:
//   value        the attribute is present and valid
//   nullopt      the attribute is absent
//   Error        present but malformed (code EINVAL / ENODATA as the kernel would
//                classify it), or unreadable (EACCES, EPERM, ...)

#include "filehandle.h"
#include "values.h"
#include "xattrnames.h"

#include <optional>
#include <string>

namespace strata::ovl {

// Which of this overlay's own attributes (escape depth 0, namespace ns) one object
// carries, from a single listxattr. A scan that asks it first skips every getxattr
// for attributes that are not there, which is nearly all of them.
struct AttrSet {
    uint32_t bits = 0;
    bool has(Attr a) const { return bits & (1u << static_cast<unsigned>(a)); }
    bool any() const { return bits != 0; }
    void add(Attr a) { bits |= 1u << static_cast<unsigned>(a); }
};
Result<AttrSet> presentAttrs(int dirfd, const std::string &name, Namespace ns);

class XattrReader {
public:
    // `present`, when given, must come from presentAttrs() on the same object: reads
    // of attributes it lacks then answer "absent" without a syscall.
    XattrReader(int dirfd, std::string name, Namespace ns, const AttrSet *present = nullptr)
        : m_dirfd(dirfd)
        , m_name(std::move(name))
        , m_ns(ns)
        , m_present(present ? *present : AttrSet {})
        , m_presentKnown(present != nullptr)
    { }

    Result<std::optional<std::string>> raw(Attr a) const;
    Result<std::optional<Opaque>> opaque() const;
    Result<std::optional<Redirect>> redirect() const;
    Result<std::optional<FileHandle>> origin() const; // empty value: origin unknown -> Error ENODATA
    Result<std::optional<FileHandle>> upper() const;
    Result<std::optional<Metacopy>> metacopy() const;
    Result<std::optional<Nlink>> nlink() const;
    Result<std::optional<Protattr>> protattr() const;
    Result<bool> impure() const;
    Result<bool> whiteoutMarker() const;

private:
    int m_dirfd;
    std::string m_name;
    Namespace m_ns;
    AttrSet m_present;
    bool m_presentKnown;
};

// Writers used by the engine and the demo stack, producing byte-identical values to
// the kernel's.
Result<void> setOpaque(int dirfd, const std::string &name, Namespace ns, Opaque o);
Result<void> setRedirect(int dirfd, const std::string &name, Namespace ns, std::string_view path);
Result<void> setOrigin(int dirfd, const std::string &name, Namespace ns, const FileHandle *fh); // null: unknown
Result<void> setImpure(int dirfd, const std::string &name, Namespace ns);
Result<void> setMetacopy(int dirfd, const std::string &name, Namespace ns, const Metacopy *m); // null: legacy
Result<void> setNlink(int dirfd, const std::string &name, Namespace ns, Nlink n);

} // namespace strata::ovl
