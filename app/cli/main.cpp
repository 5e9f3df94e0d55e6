// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl: the command-line twin of Strata. Every command reads a layer stack
// through core/ the way the GUI does and prints text for people or --json for
// scripts (docs/stratactl.md, docs/json-schema.md).
#include "commands.h"
#include "util/displayname.h"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

using namespace strata::cli;

namespace {

struct Entry {
    const CommandInfo *info;
    int (*run)(std::span<const std::string>);
};

const Entry kCommands[] = {
    {&kMountsCommand, runMounts},       {&kInspectCommand, runInspect},       {&kTreeCommand, runTree},
    {&kWhiteoutsCommand, runWhiteouts}, {&kIndexCommand, runIndex},           {&kSaveCommand, runSave},
    {&kDemoCommand, runDemo},           {&kMountCommand, runMount},           {&kUmountCommand, runUmount},
    {&kDoctorCommand, runDoctor},       {&kRepairCommand, runRepair},         {&kWatchCommand, runWatch},
    {&kVerifyCommand, runVerify},       {&kCaptureCommand, runCapture},       {&kRestoreCommand, runRestore},
    {&kRestampCommand, runRestamp},     {&kPrivilegedCommand, runPrivileged},
};

void printHelp(std::FILE *out)
{
    std::fputs("usage: stratactl COMMAND [ARGS] [--json]\n\n"
               "Inspect overlayfs layer stacks: which layer every file comes from, what is\n"
               "deleted, hidden, copied up or redirected, as the kernel sees it.\n\n"
               "Commands:\n",
               out);
    for (const auto &c : kCommands)
        std::fprintf(out, "  %-48.*s\n", static_cast<int>(c.info->synopsis.size()), c.info->synopsis.data());
    std::fputs("\nTARGET is a mount point, a stack file, --lower A:B [--upper U --work W]\n"
               "[--data D1:D2], or --layout DIR; `stratactl COMMAND --help` tells more.\n\n"
               "Exit codes:\n"
               "  0  ok\n"
               "  1  failed: the target could not be opened (no such path, not an overlay, an\n"
               "     unreadable layer, a malformed stack file) or the command could not do its work\n"
               "  2  usage error\n"
               "  3  partial: complete only for what could be read (e.g. trusted.* xattrs without\n"
               "     CAP_SYS_ADMIN, an unreadable directory); the problems are on stderr and in\n"
               "     the JSON (\"complete\": false, \"problems\": [...])\n"
               "  4  not authorized: polkit did not allow mount/umount (or the prompt was cancelled)\n"
               "  5  differs: verify found the mount showing something its layers do not say\n"
               "  6  refused: doctor found a reason the stack will not mount; repair found it unsafe\n",
               out);
}

} // namespace

int main(int argc, char *argv[])
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printHelp(stderr);
        return ExitUsage;
    }
    std::string_view cmd = args.front();
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        if (cmd == "help" && args.size() > 1)
            for (const auto &c : kCommands)
                if (c.info->name == args[1]) {
                    printCommandHelp(*c.info, stdout);
                    return ExitOk;
                }
        printHelp(stdout);
        return ExitOk;
    }
    if (cmd == "--version") {
        std::printf("stratactl %s\n", STRATA_VERSION);
        return ExitOk;
    }
    for (const auto &c : kCommands)
        if (c.info->name == cmd)
            return c.run(std::span<const std::string>(args).subspan(1));
    std::fprintf(stderr, "stratactl: '%s' is not a command (see stratactl --help)\n", strata::displayName(cmd).c_str());
    return ExitUsage;
}
