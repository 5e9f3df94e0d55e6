// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl save: write the stack as a stack file (docs/stack-file.md).
#include "commands.h"
#include "json.h"
#include "report.h"
#include "util/displayname.h"

#include <array>

namespace strata::cli {

using namespace strata::stack;

namespace {
constexpr std::array kSaveOptions = {OptionSpec {"name", true}};
} // namespace

const CommandInfo kSaveCommand {
    "save",
    "save TARGET FILE [--name NAME] [--json]",
    "Write the stack's layers and options to FILE (a stack file, JSON), which every\n"
    "command then accepts as TARGET. The file is replaced atomically.",
    "Options:\n"
    "  --name NAME              a name stored in the file (default: the stack's own)\n",
    kSaveOptions,
};

int runSave(std::span<const std::string> argv)
{
    const CommandInfo &info = kSaveCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    auto stack = openStack(info, *inv, 1);
    if (!stack)
        return stack.error();
    if (inv->positionals.empty())
        return usageError(info, makeError("FILE", "missing: where to write the stack file"));
    const std::string &file = inv->positionals.front();

    StackSpec spec = (*stack)->spec();
    if (const std::string *name = inv->args.last("name"))
        spec.name = *name;
    if (auto r = writeStackFile(file, spec); !r)
        return commandFailed(info, inv->out, r.error());

    Report report(std::string(info.name));
    Json payload;
    payload["file"] = pathJson(file);
    payload["stack"] = Json::parse(toJson(spec), nullptr, false);
    return report.print(inv->out.json, payload, [&] {
        const size_t n = (*stack)->layers().size();
        std::printf("saved %zu layer%s to %s\n", n, n == 1 ? "" : "s", displayName(file).c_str());
    });
}

} // namespace strata::cli
