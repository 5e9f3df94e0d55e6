// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl demo: a small stack that shows every overlay state, made without
// privileges, to try the other commands on.
#include "commands.h"
#include "report.h"
#include "stack/demostack.h"
#include "util/displayname.h"

#include <cerrno>
#include <sys/stat.h>

namespace strata::cli {

using namespace strata::stack;

namespace {

// The suggested commands should work when pasted into a shell.
std::string shellQuoted(const std::string &s)
{
    if (!s.empty()
        && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-+=:,@")
            == std::string::npos)
        return s;
    std::string out = "'";
    for (const char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

const CommandInfo kDemoCommand {
    "demo",
    "demo DIR [--json]",
    "Create a demo stack in DIR (created if missing; must be empty): lower1/, lower2/,\n"
    "upper/ and work/ with user.overlay.* xattrs, whiteouts, an opaque dir, a renamed\n"
    "dir, copied-up files and a metacopy file, plus DIR/stack.json.",
    {},
    {},
    false,
};

int runDemo(std::span<const std::string> argv)
{
    const CommandInfo &info = kDemoCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    int exitCode = ExitOk;
    if (!checkPositionals(info, *inv, 1, exitCode))
        return exitCode;
    if (inv->positionals.empty())
        return usageError(info, makeError("DIR", "missing: where to create the demo stack"));
    const std::string &dir = inv->positionals.front();
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return commandFailed(info, inv->out, sysError(errno, dir, "cannot create the directory"));

    auto spec = createDemoStack(dir);
    if (!spec)
        return commandFailed(info, inv->out, spec.error());
    const std::string stackFile = dir + "/stack.json";

    Report report(std::string(info.name));
    Json payload;
    payload["dir"] = pathJson(dir);
    payload["stack_file"] = pathJson(stackFile);
    payload["stack"] = Json::parse(toJson(*spec), nullptr, false);
    return report.print(inv->out.json, payload, [&] {
        const std::string shown = shellQuoted(displayName(stackFile));
        std::printf("Demo stack created in %s\n\nTry:\n"
                    "  stratactl inspect %s\n"
                    "  stratactl tree %s\n"
                    "  stratactl tree %s --changes\n"
                    "  stratactl whiteouts %s\n",
                    displayName(dir).c_str(), shown.c_str(), shown.c_str(), shown.c_str(), shown.c_str());
    });
}

} // namespace strata::cli
