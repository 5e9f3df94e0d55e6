// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <expected>
#include <string>

namespace strata::helper {

// Why the helper refuses (or failed) a request: a code from helperprotocol.h (>= 100), the
// path or thing it is about, and the rule in words. The message names both, so a
// person can act on it without knowing the code.
struct Refusal {
    int code = 0;
    std::string subject; // "lowerdir 2 /home/a/l2", "mount point /etc", "option metacopy=on"
    std::string rule; // "is a symbolic link or passes through one: ..."

    std::string message() const; // "subject: rule", the path shown escaped
};

template<class T>
using Checked = std::expected<T, Refusal>;

inline std::unexpected<Refusal> refuse(int code, std::string subject, std::string rule)
{
    return std::unexpected<Refusal>(Refusal {code, std::move(subject), std::move(rule)});
}

} // namespace strata::helper
