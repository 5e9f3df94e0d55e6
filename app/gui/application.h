// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What `strata` does before and around its main window: the display check, the
// application identity, icons with bundled fallbacks, translations, the command
// line, and the --self-test and --screenshots modes.

#include <QString>
#include <functional>

class QApplication;

namespace strata::gui {

class MainWindow;

// Whether a window can be shown: QT_QPA_PLATFORM set, or DISPLAY / WAYLAND_DISPLAY.
bool displayAvailable(const char *const *environ, QString *why);

// App id, names, icon theme and fallbacks, translations. Safe to call in tests.
void setupApplication(QApplication &app);

// Spins the event loop until `done` or the timeout; false on timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);

// Opens the demo stack, expands a directory, selects an entry, checks the details;
// 0 when all of it worked. Prints what it did.
int runSelfTest(MainWindow &window);

int runApplication(int argc, char **argv);

} // namespace strata::gui
