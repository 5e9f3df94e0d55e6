// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

namespace strata::test {

// A fresh directory under $TMPDIR (or /tmp), removed on destruction: but never
// across a mount. Anything still mounted below it is detached first, and removal
// stays on one filesystem, so a live mount is never recursed into (kio-fuse lesson).
class TempDir {
public:
    explicit TempDir(const std::string &tag = "strata-test");
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    const std::string &path() const { return m_path; }
    std::string operator/(const std::string &rel) const { return m_path + "/" + rel; }

private:
    std::string m_path;
};

} // namespace strata::test
