// SPDX-License-Identifier: GPL-2.0-or-later
#include "restampdialog.h"

#include "guitext.h"
#include "identitytext.h"
#include "jobs.h"
#include "stack/restamp.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace strata::gui {

RestampDialog::RestampDialog(std::shared_ptr<const stack::LayerStack> stack, const stack::IdentityVerdict &verdict,
                             QWidget *parent)
    : QDialog(parent)
    , m_stack(std::move(stack))
    , m_status(new QLabel(this))
    , m_changes(new QPlainTextEdit(this))
    , m_run(new QPushButton(tr("&Restamp"), this))
    , m_job(new Job(this))
{
    setWindowTitle(tr("Restamp filesystem UUID"));
    if (verdict.currentUuid)
        m_to = *verdict.currentUuid;
    auto *layout = new QVBoxLayout(this);
    auto *details = new QLabel(identityDetails(verdict), this);
    details->setWordWrap(true);
    details->setTextFormat(Qt::PlainText);
    layout->addWidget(details);
    m_changes->setReadOnly(true);
    m_changes->setAccessibleName(tr("Changes"));
    m_changes->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_changes, 1);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_run, QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_run, &QPushButton::clicked, this, &RestampDialog::startRestamp);
    m_run->setEnabled(false);
    resize(760, 480);
    if (!verdict.restampable || !verdict.currentUuid) {
        m_status->setText(tr("Restamp is not possible for this stack: more than the UUID differs."));
        return;
    }
    startPreview();
}

void RestampDialog::startPreview()
{
    m_status->setText(tr("Listing the changes (nothing is changed yet)…"));
    auto stack = m_stack;
    const stack::Uuid to = m_to;
    m_job->start([this, stack, to](Job::Control &) -> Job::Apply {
        stack::RestampOptions opts;
        opts.to = to;
        opts.dryRun = true;
        auto res = stack::restamp(*stack, opts);
        return [this, res = std::move(res)]() {
            if (!res) {
                m_status->setText(errorText(res.error()));
                return;
            }
            QStringList lines;
            for (const auto &c : res->changes)
                lines << displayText(c.describe());
            m_changes->setPlainText(lines.join(QLatin1Char('\n')));
            m_status->setText(tr("%n changes to make. The stack must not be mounted while they are made.", nullptr,
                                 int(res->changes.size())));
            m_run->setEnabled(!res->changes.empty());
            Q_EMIT previewReady(int(res->changes.size()));
        };
    });
}

void RestampDialog::startRestamp()
{
    m_run->setEnabled(false);
    m_status->setText(tr("Restamping…"));
    auto stack = m_stack;
    const stack::Uuid to = m_to;
    m_job->start([this, stack, to](Job::Control &) -> Job::Apply {
        stack::RestampOptions opts;
        opts.to = to;
        auto res = stack::restamp(*stack, opts);
        return [this, res = std::move(res)]() {
            m_done = bool(res);
            if (!res)
                m_status->setText(errorText(res.error()));
            else
                m_status->setText(tr("Done: %n changes made. index=on mounts work again.", nullptr, int(res->applied)));
            Q_EMIT restamped(bool(res));
        };
    });
}

} // namespace strata::gui
