// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Saving a stack file, for every place the app offers it (the main window's Save
// Stack As, the assembly panel's Save): the same dialog, the write in a worker, the
// same words for the outcome.

#include "jobs.h"
#include "stack/stackspec.h"

#include <QString>
#include <functional>

class QWidget;

namespace strata::gui {

// Asks where to save a stack file; "" when the person cancelled.
QString askStackFileName(QWidget *parent);

// Writes `spec` to `file` atomically in `job` (never on the GUI thread), then calls
// `done` on the GUI thread with whether it worked and the message to show ("Saved
// FILE" or "Not saved: REASON").
void saveStackFile(Job &job, const QString &file, stack::StackSpec spec,
                   std::function<void(bool ok, const QString &message)> done);

} // namespace strata::gui
