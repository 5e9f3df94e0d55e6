// SPDX-License-Identifier: GPL-2.0-or-later
#include "capturespec.h"

#include <cerrno>

namespace strata::stack {

Result<StackSpec> specFromCapture(const mounts::Capture &capture, std::string_view origin)
{
    if (capture.mounts.size() != 1) {
        std::string list;
        for (const auto &m : capture.mounts)
            list += (list.empty() ? "" : ", ") + m.mountPoint;
        return fail(makeError(origin,
                              "a capture file of " + std::to_string(capture.mounts.size())
                                  + " mounts opens as a stack only with one mount (it holds: " + list
                                  + "); capture that mount alone",
                              EINVAL));
    }
    const mounts::CapturedMount &m = capture.mounts.front();
    StackSpec spec;
    for (const auto &l : m.layers) {
        switch (l.role) {
        case mounts::CapturedRole::Lower:
            spec.lower.push_back(l.resolvedPath);
            break;
        case mounts::CapturedRole::Data:
            spec.data.push_back(l.resolvedPath);
            break;
        case mounts::CapturedRole::Upper:
            spec.upper = l.resolvedPath;
            break;
        case mounts::CapturedRole::Work:
            spec.work = l.resolvedPath;
            break;
        }
    }
    for (const auto &o : m.options)
        if (o.key != "rw" && o.key != "ro")
            spec.options.emplace_back(o.key, o.value);
    if (m.upper)
        spec.xattrNamespace = m.upper->xattrNamespace == "user" ? ovl::Namespace::User : ovl::Namespace::Trusted;
    else if (spec.option("userxattr"))
        spec.xattrNamespace = ovl::Namespace::User;
    spec.sourceKind = "file"; // as stack files: source.kind is mount, directories or file
    spec.mountpoint = m.mountPoint;
    spec.fstype = m.fsType;
    return spec;
}

} // namespace strata::stack
