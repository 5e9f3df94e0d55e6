// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include "displayname.h"

#include <cstring>

namespace strata {

std::string Error::message() const
{
    std::string out;
    if (!subject.empty()) {
        out = displayName(subject);
        out += ": ";
    }
    out += reason;
    if (code != 0 && reason.find(std::strerror(code)) == std::string::npos) {
        out += " (";
        out += std::strerror(code);
        out += ')';
    }
    return out;
}

Error sysError(int err, std::string_view subject, std::string_view what)
{
    return Error {err, std::string(subject), std::string(what) + ": " + std::strerror(err)};
}

Error makeError(std::string_view subject, std::string_view reason, int code)
{
    return Error {code, std::string(subject), std::string(reason)};
}

} // namespace strata
