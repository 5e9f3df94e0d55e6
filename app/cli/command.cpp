// SPDX-License-Identifier: GPL-2.0-or-later
#include "command.h"

#include "json.h"

#include <vector>

namespace strata::cli {

void printCommandHelp(const CommandInfo &info, std::FILE *out)
{
    std::fprintf(out, "usage: stratactl %.*s\n\n%.*s\n", static_cast<int>(info.synopsis.size()), info.synopsis.data(),
                 static_cast<int>(info.summary.size()), info.summary.data());
    if (!info.help.empty())
        std::fprintf(out, "\n%.*s", static_cast<int>(info.help.size()), info.help.data());
    if (info.takesTarget)
        std::fprintf(out, "\n%s", kTargetHelp);
    std::fputs("\nOutput:\n"
               "  --json                   JSON on stdout (docs/json-schema.md)\n"
               "  --bytes                  exact sizes in bytes instead of 1.5 KiB, 12.0 MiB\n"
               "  --color, --no-color      colours (default: when stdout is a terminal and NO_COLOR is unset)\n"
               "  -h, --help               this help\n"
               "\nExit codes: 0 ok, 1 failed (target could not be opened, ...), 2 usage error,\n"
               "3 partial result (some facts could not be read; see stderr or \"problems\").\n",
               out);
}

std::expected<Invocation, int> parseInvocation(const CommandInfo &info, std::span<const std::string> argv)
{
    std::vector<OptionSpec> specs(kOutputOptions.begin(), kOutputOptions.end());
    specs.insert(specs.end(), info.options.begin(), info.options.end());
    if (info.takesTarget)
        specs.insert(specs.end(), kTargetOptions.begin(), kTargetOptions.end());
    auto parsed = parseArgs(argv, specs);
    if (!parsed)
        return std::unexpected(usageError(info, parsed.error()));
    if (parsed->has("help")) {
        printCommandHelp(info, stdout);
        return std::unexpected(ExitOk);
    }
    if (parsed->has("color") && parsed->has("no-color"))
        return std::unexpected(usageError(info, makeError("--color", "contradicts --no-color")));
    Invocation inv;
    inv.out = outputOptions(*parsed);
    inv.positionals = parsed->positionals;
    inv.args = std::move(*parsed);
    return inv;
}

int usageError(const CommandInfo &info, const Error &e)
{
    std::fprintf(stderr, "stratactl %.*s: %s (see stratactl %.*s --help)\n", static_cast<int>(info.name.size()),
                 info.name.data(), e.message().c_str(), static_cast<int>(info.name.size()), info.name.data());
    return ExitUsage;
}

int commandFailed(const CommandInfo &info, const OutputOptions &out, const Error &e)
{
    std::fprintf(stderr, "stratactl: %s\n", e.message().c_str());
    if (out.json) {
        Json doc;
        doc["schema"] = kJsonSchemaVersion;
        doc["command"] = info.name;
        doc["complete"] = false;
        doc["error"] = errorJson(e);
        printJson(doc);
    }
    return ExitFailed;
}

int commandError(const CommandInfo &info, const OutputOptions &out, const CommandError &e)
{
    if (e.exitCode == ExitUsage)
        return usageError(info, e.error);
    return commandFailed(info, out, e.error);
}

bool checkPositionals(const CommandInfo &info, const Invocation &inv, size_t max, int &exitCode)
{
    if (inv.positionals.size() <= max)
        return true;
    exitCode = usageError(info, makeError(inv.positionals[max], "unexpected argument"));
    return false;
}

std::expected<std::shared_ptr<const stack::LayerStack>, int> openStack(const CommandInfo &info, Invocation &inv,
                                                                       size_t maxPositionals)
{
    auto stack = openTarget(inv.args, inv.positionals);
    if (!stack)
        return std::unexpected(commandError(info, inv.out, stack.error()));
    int exitCode = ExitOk;
    if (!checkPositionals(info, inv, maxPositionals, exitCode))
        return std::unexpected(exitCode);
    return *stack;
}

} // namespace strata::cli
