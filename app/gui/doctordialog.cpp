// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctordialog.h"

#include "doctorrows.h"
#include "jobs.h"
#include "mounts/volatile.h"
#include "rowtablemodel.h"
#include "stack/identitydoctor.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <unistd.h>

namespace strata::gui {

DoctorDialog::DoctorDialog(mounts::OverlayOptions spec, const QString &title, QWidget *parent)
    : QDialog(parent)
    , m_spec(std::move(spec))
    , m_model(new RowTableModel(rows::doctorHeaders(), this))
    , m_view(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_status(new QLabel(this))
    , m_repair(new QPushButton(tr("&Repair Volatile Upper…"), this))
    , m_job(new Job(this))
{
    setWindowTitle(tr("Why Won't It Mount? — %1").arg(title));
    auto *layout = new QVBoxLayout(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_view->setModel(m_model);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAccessibleName(tr("Verdicts"));
    layout->addWidget(m_view, 1);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_repair, QDialogButtonBox::ActionRole);
    auto *again = buttons->addButton(tr("&Check Again"), QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(again, &QPushButton::clicked, this, &DoctorDialog::diagnose);
    connect(m_repair, &QPushButton::clicked, this, &DoctorDialog::repair);
    m_repair->setEnabled(false);
    resize(900, 420);
    diagnose();
}

void DoctorDialog::diagnose()
{
    m_summary->setText(tr("Checking…"));
    m_repair->setEnabled(false);
    m_job->start([this, spec = m_spec](Job::Control &) -> Job::Apply {
        // The try-mount first: the doctor's syncfs marks a writeback error seen.
        mounts::TryMount tried = mounts::tryMount(spec);
        // The same checks as `stratactl doctor`, the identity check (index-uuid-mismatch) included.
        mounts::DoctorOptions opts;
        opts.extraChecks = &stack::identityFindings;
        mounts::Diagnosis d = mounts::diagnose(spec, opts);
        return [this, d = std::move(d), tried = std::move(tried)]() {
            m_model->setRows(rows::doctor(d, tried));
            m_view->resizeRowsToContents();
            const bool kernel = d.refused(mounts::Backend::Kernel), fuse = d.refused(mounts::Backend::Fuse);
            m_summary->setText(kernel ? (fuse ? tr("Neither kernel overlayfs nor strata-fuse will mount this stack.")
                                              : tr("Kernel overlayfs refuses this stack; strata-fuse mounts it."))
                                      : tr("Kernel overlayfs mounts this stack."));
            const QString tryText = rows::tryMountText(tried);
            m_status->setText(m_note.isEmpty() ? tryText : m_note + QStringLiteral("\n\n") + tryText);
            m_note.clear();
            bool dirty = false;
            for (const auto &f : d.findings)
                dirty = dirty || f.code == "volatile-dirty";
            m_repair->setEnabled(dirty);
        };
    });
}

void DoctorDialog::repair()
{
    const auto answer = QMessageBox::question(
        this, tr("Repair Volatile Upper"),
        tr("Strata syncs the upper filesystem and removes the volatile marker only if the system has not rebooted, "
           "the upper filesystem has not been remounted since the volatile mount, and no writeback error is "
           "reported. Otherwise nothing is changed. Go ahead?"));
    if (answer == QMessageBox::Yes)
        repairConfirmed();
}

void DoctorDialog::repairConfirmed()
{
    if (!m_spec.upper || !m_spec.work)
        return;
    m_repair->setEnabled(false);
    m_job->start([this, upper = *m_spec.upper, work = *m_spec.work](Job::Control &) -> Job::Apply {
        // The same decision as `stratactl repair --volatile`: a writeback error found
        // now or by an earlier check (the diagnosis' syncfs) is in the checkpoint.
        auto r = mounts::repairVolatile(upper, work, mounts::VolatileRepairMode::IfSafe, false);
        QString text;
        if (!r) {
            text = tr("Could not remove the marker: %1").arg(QString::fromStdString(r.error().message()));
        } else if (r->action == mounts::VolatileAction::Cleared) {
            text = tr("The upper is intact: the volatile marker was removed.");
        } else if (r->action == mounts::VolatileAction::None) {
            text = tr("There is no volatile marker any more: nothing to repair.");
        } else {
            text = tr("Not repaired: writes may have been lost.");
            for (const auto &reason : r->assessment.reasons)
                text += QStringLiteral("\n• ") + QString::fromStdString(reason);
            text += tr("\nTo start over, discard the upper: stratactl repair … --volatile --discard-upper");
        }
        return [this, text]() {
            m_note = text;
            diagnose();
        };
    });
}

} // namespace strata::gui
