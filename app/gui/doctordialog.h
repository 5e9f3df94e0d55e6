// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// "Why won't it mount?": the doctor's verdicts for a stack (code, what each engine
// does, the kernel's words, the fix), the kernel's own answer from a try-mount when
// Strata runs as root, and the volatile repair behind a confirmation. Everything
// runs in a Job, never on the GUI thread.

#include "mounts/doctor.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTableView;

namespace strata::gui {

class Job;
class RowTableModel;

class DoctorDialog : public QDialog {
    Q_OBJECT
public:
    DoctorDialog(mounts::OverlayOptions spec, const QString &title, QWidget *parent = nullptr);

    RowTableModel *model() const { return m_model; }
    Job *job() const { return m_job; }
    QPushButton *repairButton() const { return m_repair; }
    QLabel *statusLabel() const { return m_status; }
    // Runs the repair without asking (tests; the button asks first).
    void repairConfirmed();

public Q_SLOTS:
    void diagnose();

private:
    void repair();

    mounts::OverlayOptions m_spec;
    RowTableModel *m_model;
    QTableView *m_view;
    QLabel *m_summary;
    QLabel *m_status;
    QPushButton *m_repair;
    Job *m_job;
    QString m_note; // the repair's outcome, shown above the next check's try-mount
};

} // namespace strata::gui
