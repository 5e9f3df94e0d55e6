// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include "exitcode.h"
#include "stack/layerstack.h"

#include <cerrno>
#include <cstdio>

namespace strata::cli {

Report::Report(std::string command)
    : m_command(std::move(command))
{ }

void Report::add(const Error &e)
{
    if (m_seen.insert(e.message()).second)
        m_problems.push_back(e);
}

void Report::add(const std::vector<Error> &errors)
{
    for (const auto &e : errors)
        add(e);
}

void Report::addStackProblems(const stack::LayerStack &stack)
{
    if (stack.canReadOverlayXattrs() || m_xattrsUnreadable)
        return;
    m_xattrsUnreadable = true;
    add(makeError("stack",
                  "its overlay xattrs (trusted.overlay.*) need CAP_SYS_ADMIN to read: whiteouts made by xattr, "
                  "opaque dirs, redirects, origins and metacopy are unknown",
                  EPERM));
}

void Report::addEntryProblems(const std::vector<Error> &errors)
{
    for (const auto &e : errors) {
        // The entry builder repeats the stack-wide "xattrs unreadable" fact on every
        // entry; the stack problem above already says it once.
        if (m_xattrsUnreadable && e.code == EPERM && e.reason.find("CAP_SYS_ADMIN") != std::string::npos)
            continue;
        add(e);
    }
}

Json Report::document(const Json &payload) const
{
    Json doc;
    doc["schema"] = kJsonSchemaVersion;
    doc["command"] = m_command;
    doc["complete"] = complete();
    doc["problems"] = errorsJson(m_problems);
    for (const auto &[key, value] : payload.items())
        doc[key] = value;
    return doc;
}

int Report::finish() const
{
    if (complete())
        return ExitOk;
    constexpr size_t kShown = 5;
    for (size_t i = 0; i < m_problems.size() && i < kShown; ++i)
        std::fprintf(stderr, "stratactl: %s\n", m_problems[i].message().c_str());
    if (m_problems.size() > kShown)
        std::fprintf(stderr, "stratactl: ... and %zu more problems (see --json)\n", m_problems.size() - kShown);
    std::fprintf(stderr, "stratactl: partial result: complete only for what could be read\n");
    return ExitPartial;
}

int Report::print(bool json, const Json &payload, const std::function<void()> &text) const
{
    if (json)
        printJson(document(payload));
    else
        text();
    std::fflush(stdout);
    return finish();
}

} // namespace strata::cli
