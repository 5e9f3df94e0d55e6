// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Verify: what a mounted stack shows through its mount point against what its layers
// say now (core/watch verifyMount, the comparison `stratactl verify` runs), in a
// worker. Lists the ghosts (shown, not justified by the layers), the missing entries
// and the stale facts as they are found.

#include "jobs.h"
#include "stack/layerstack.h"

#include <QDialog>

class QLabel;
class QTreeWidget;

namespace strata::gui {

class VerifyReport : public QDialog {
    Q_OBJECT
public:
    explicit VerifyReport(QWidget *parent = nullptr);

    void start(const std::string &mountpoint, std::shared_ptr<const stack::LayerStack> stack);
    Job *job() const { return m_job; }
    QTreeWidget *list() const { return m_list; }
    QLabel *status() const { return m_status; }

    enum Column { KindColumn, PathColumn, FactColumn, MountColumn, LayersColumn, ColumnCount };

protected:
    void done(int result) override; // closing cancels a verify still running

private:
    Job *m_job;
    QLabel *m_status;
    QTreeWidget *m_list;
};

} // namespace strata::gui
