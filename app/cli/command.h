// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What every stratactl command shares: its option table and help, the parse of its
// command line, and how it reports usage errors and failures (one line on stderr;
// with --json also a document on stdout).

#include "args.h"
#include "outputoptions.h"
#include "target.h"

#include <expected>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace strata::cli {

struct CommandInfo {
    std::string_view name; // "tree"
    std::string_view synopsis; // "tree TARGET [PATH] [options]"
    std::string_view summary; // one line for `stratactl --help`
    std::string_view help; // the command's own options, for `stratactl NAME --help`
    std::span<const OptionSpec> options; // beyond the output options
    bool takesTarget = true; // accepts the TARGET options (target.h)
};

struct Invocation {
    ParsedArgs args;
    OutputOptions out;
    std::vector<std::string> positionals;
};

// Parses `argv` (the arguments after the command name). On --help prints the help
// and yields ExitOk; on a usage error prints one line and yields ExitUsage.
std::expected<Invocation, int> parseInvocation(const CommandInfo &info, std::span<const std::string> argv);

void printCommandHelp(const CommandInfo &info, std::FILE *out);

int usageError(const CommandInfo &info, const Error &e); // returns ExitUsage
// A failure of the whole command: "stratactl: <path>: <reason>" on stderr, and with
// --json {"schema", "command", "complete": false, "error": {...}} on stdout.
int commandFailed(const CommandInfo &info, const OutputOptions &out, const Error &e); // returns ExitFailed
int commandError(const CommandInfo &info, const OutputOptions &out, const CommandError &e);

// The positionals left after TARGET must be at most `max`; else a usage error.
bool checkPositionals(const CommandInfo &info, const Invocation &inv, size_t max, int &exitCode);

// Opens the command's TARGET (taking it from the positionals) and checks that at
// most `maxPositionals` arguments remain. On failure the error has been printed and
// the exit code is returned.
std::expected<std::shared_ptr<const stack::LayerStack>, int> openStack(const CommandInfo &info, Invocation &inv,
                                                                       size_t maxPositionals);

} // namespace strata::cli
