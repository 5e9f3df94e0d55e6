// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "command.h"

#include <span>
#include <string>

namespace strata::cli {

// One function per command: argv holds the arguments after the command name;
// the return value is the exit code (exitcode.h).
int runMounts(std::span<const std::string> argv);
int runInspect(std::span<const std::string> argv);
int runTree(std::span<const std::string> argv);
int runWhiteouts(std::span<const std::string> argv);
int runIndex(std::span<const std::string> argv);
int runSave(std::span<const std::string> argv);
int runDemo(std::span<const std::string> argv);
int runDoctor(std::span<const std::string> argv);
int runRepair(std::span<const std::string> argv);
int runWatch(std::span<const std::string> argv);
int runVerify(std::span<const std::string> argv);
// mount / umount (mountcommand.cpp, in the stratactl binary: Qt and the mounters).
int runMount(std::span<const std::string> argv);
int runUmount(std::span<const std::string> argv);
// capture (capturecommand.cpp); restore (restorecommand.cpp, in the binary: mounters).
int runCapture(std::span<const std::string> argv);
int runRestore(std::span<const std::string> argv);
int runPrivileged(std::span<const std::string> argv);
int runRestamp(std::span<const std::string> argv);

extern const CommandInfo kMountsCommand;
extern const CommandInfo kInspectCommand;
extern const CommandInfo kTreeCommand;
extern const CommandInfo kWhiteoutsCommand;
extern const CommandInfo kIndexCommand;
extern const CommandInfo kSaveCommand;
extern const CommandInfo kDemoCommand;
extern const CommandInfo kDoctorCommand;
extern const CommandInfo kRepairCommand;
extern const CommandInfo kWatchCommand;
extern const CommandInfo kVerifyCommand;
extern const CommandInfo kMountCommand;
extern const CommandInfo kUmountCommand;
extern const CommandInfo kCaptureCommand;
extern const CommandInfo kRestoreCommand;
extern const CommandInfo kPrivilegedCommand;
extern const CommandInfo kRestampCommand;

// tree --changes (changesview.cpp): what each layer adds, modifies and deletes.
struct TreeScope {
    std::string root; // merged path, normalised ("" for the root)
    int maxDepth = 0; // 0: unlimited
    int layer = -1; // -1: every merged layer
};
int runChangesView(const Invocation &inv, const stack::LayerStack &stack, const TreeScope &scope);

} // namespace strata::cli
