// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where a person is in the merged tree, by merged path: the current entry and the
// expanded directories. A reload reads the stack again and builds a new tree; the
// place is brought back as the new listings arrive (each from a worker), as far as
// those paths still exist.

#include <QObject>
#include <QPointer>
#include <string>
#include <vector>

namespace strata::gui {

class TreePanel;

struct TreePlace {
    std::string current; // "" when nothing is current
    bool hasCurrent = false;
    std::vector<std::string> expanded; // parents before children

    static TreePlace capture(const TreePanel *panel);
};

// Follows the panel's model until the place is back (or no longer reachable), then
// emits finished and deletes itself. A new tree in the meantime ends it too.
class TreePlaceRestorer : public QObject {
    Q_OBJECT
public:
    static TreePlaceRestorer *start(TreePanel *panel, TreePlace place);

Q_SIGNALS:
    void finished();

private:
    TreePlaceRestorer(TreePanel *panel, TreePlace place);
    void step();
    void finish();

    QPointer<TreePanel> m_panel;
    TreePlace m_place;
    bool m_done = false;
};

} // namespace strata::gui
