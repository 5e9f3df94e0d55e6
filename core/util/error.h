// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace strata {

// An error is a value with a reason a person can act on: what it is about (a path,
// an xattr, an option), why it failed in words, and the errno when a syscall said so.
// Never thrown across core's API; returned through Result<T>.
struct Error {
    int code = 0; // errno value, or 0 when the failure is not a syscall's
    std::string subject; // the thing the error is about: a path, a layer, an option
    std::string reason; // why, in words ("not an overlay mount", "malformed origin")

    // "subject: reason (strerror)"; names are shown escaped (see displayName).
    std::string message() const;
};

template<class T>
using Result = std::expected<T, Error>;

// Error from errno (or an explicit errno): "subject: what: strerror".
Error sysError(int err, std::string_view subject, std::string_view what);
Error makeError(std::string_view subject, std::string_view reason, int code = 0);

inline std::unexpected<Error> fail(Error e)
{
    return std::unexpected<Error>(std::move(e));
}

} // namespace strata
