// SPDX-License-Identifier: GPL-2.0-or-later
#include "method.h"

namespace strata::watch {

std::string_view methodName(Method m)
{
    switch (m) {
    case Method::Fanotify:
        return "fanotify";
    case Method::Inotify:
        return "inotify";
    case Method::Polling:
        return "polling";
    }
    return "polling";
}

std::optional<Method> methodFromName(std::string_view name)
{
    for (const Method m : {Method::Fanotify, Method::Inotify, Method::Polling})
        if (methodName(m) == name)
            return m;
    return std::nullopt;
}

} // namespace strata::watch
