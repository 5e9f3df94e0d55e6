// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Builds layer directories for the stratactl tests, writing overlay metadata
// through core/ovl (user.overlay.* by default: no privileges needed).

#include "ovl/xattrnames.h"

#include <string>

namespace strata::test {

class LayerBuilder {
public:
    explicit LayerBuilder(std::string root, ovl::Namespace ns = ovl::Namespace::User);
    const std::string &root() const { return m_root; }
    std::string operator/(const std::string &rel) const { return m_root + "/" + rel; }

    // Each returns "" on success, else the error (for QVERIFY2).
    std::string dir(const std::string &rel) const; // with parents
    std::string file(const std::string &rel, const std::string &content = "data") const;
    std::string whiteout(const std::string &rel) const; // 0/0 device: needs CAP_MKNOD
    std::string xattrWhiteout(const std::string &rel) const;
    std::string opaque(const std::string &rel, bool xwhiteouts = false) const; // dir with opaque=y (or x)
    std::string redirect(const std::string &rel, const std::string &to) const;

private:
    template<class Fn>
    std::string at(const std::string &rel, Fn fn) const;
    std::string m_root;
    ovl::Namespace m_ns;
};

} // namespace strata::test
