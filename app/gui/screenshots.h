// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QString>

namespace strata::gui {

class MainWindow;

// Opens the demo stack and writes PNGs of the main states into `dir` (stack open,
// details, whiteouts, index, layer-only view, assembly with preflight): the images
// of the README and the AppStream metainfo. Real widget rendering (QWidget::grab),
// also offscreen. Returns 0 when every image was written.
int writeScreenshots(MainWindow &window, const QString &dir);

} // namespace strata::gui
