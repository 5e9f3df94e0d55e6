// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// TARGET: a mount point, a stack file, layers given as options
//   --lower A:B [--upper U --work W] [--data D1:D2] [--userxattr]
//   [--xattr-namespace user|trusted] [--option KEY[=VALUE]]...
// or layers as they lie on disk, read the way the app's "Open Layer Directory" reads
// them (stack/layerlayout.h): --layout DIR.

#include "args.h"
#include "exitcode.h"
#include "stack/layerstack.h"

#include <array>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace strata::cli {

inline constexpr std::array kTargetOptions = {
    OptionSpec {"lower", true},       OptionSpec {"upper", true},  OptionSpec {"work", true},
    OptionSpec {"data", true},        OptionSpec {"userxattr"},    OptionSpec {"xattr-namespace", true},
    OptionSpec {"option", true, 'o'}, OptionSpec {"layout", true},
};

// Help text for the options above, shared by every command's --help.
extern const char *const kTargetHelp;

struct CommandError {
    int exitCode = ExitFailed; // ExitUsage or ExitFailed
    Error error;
};

// Whether the layers were given as options, --layout included (then no TARGET
// positional is taken).
bool hasLayerOptions(const ParsedArgs &args);
// The stack spec the layer options describe. Fails (a usage error) on an empty or
// malformed layer list, --work without --upper, an unknown namespace, --layout with
// --lower, ... A --layout directory that cannot be read is not a usage error: use
// specFromLayout for it.
Result<stack::StackSpec> specFromOptions(const ParsedArgs &args);

// What TARGET names, resolved before anything is opened.
struct TargetSource {
    std::string kind; // "directories" (--lower...), "layer-directory" (--layout), "file", "path"
    std::string name; // the path given (TARGET or --layout DIR), "" for --lower...
    // The stack, for all but "path" (a mount point, or for doctor a layer directory:
    // the caller decides). --userxattr, --xattr-namespace and --option are applied.
    std::optional<stack::StackSpec> spec;
};
// The layer options (--lower..., --layout) or the first positional (then removed
// from `positionals`; a stack file is read). Usage errors give ExitUsage, a target
// that cannot be read ExitFailed. --userxattr & co. with a path that is not a stack
// file is a usage error.
std::expected<TargetSource, CommandError> resolveTarget(const ParsedArgs &args, std::vector<std::string> &positionals);

// The arguments naming `source` again, shell-quoted, for hints ("stratactl repair
// ARGS --volatile").
std::string targetArgs(const TargetSource &source);

// Opens the target: from the layer options, or from the first positional (which is
// then removed from `positionals`). Usage errors give ExitUsage, a target that cannot
// be opened ExitFailed.
std::expected<std::shared_ptr<const stack::LayerStack>, CommandError> openTarget(const ParsedArgs &args,
                                                                                 std::vector<std::string> &positionals);

} // namespace strata::cli
