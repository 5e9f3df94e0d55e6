// SPDX-License-Identifier: GPL-2.0-or-later
// strata [MOUNTPOINT|STACKFILE]: the desktop app. Everything is in strata_gui.
#include "application.h"

int main(int argc, char **argv)
{
    return strata::gui::runApplication(argc, argv);
}
