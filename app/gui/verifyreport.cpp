// SPDX-License-Identifier: GPL-2.0-or-later
#include "verifyreport.h"

#include "guitext.h"
#include "layercolors.h"
#include "watch/mountverify.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace strata::gui {

using namespace strata::watch;

VerifyReport::VerifyReport(QWidget *parent)
    : QDialog(parent)
    , m_job(new Job(this))
{
    setWindowTitle(tr("Verify the mount"));
    setObjectName(QStringLiteral("verifyReport"));
    auto *layout = new QVBoxLayout(this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_list = new QTreeWidget(this);
    m_list->setHeaderLabels({tr("Kind"), tr("Path"), tr("Fact"), tr("The mount shows"), tr("The layers say")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setStretchLastSection(true);
    layout->addWidget(m_list, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 420);
}

static QString kindText(Discrepancy::Kind k)
{
    switch (k) {
    case Discrepancy::Kind::Ghost:
        return VerifyReport::tr("ghost: shown by the mount, not by the layers");
    case Discrepancy::Kind::Missing:
        return VerifyReport::tr("missing: in the layers, not shown by the mount");
    case Discrepancy::Kind::Stale:
        return VerifyReport::tr("stale: a fact differs");
    }
    return {};
}

void VerifyReport::start(const std::string &mountpoint, std::shared_ptr<const stack::LayerStack> stack)
{
    m_list->clear();
    m_status->setText(tr("Comparing %1 with its layers…").arg(displayText(mountpoint)));
    m_job->start([this, mountpoint, stack](Job::Control &ctl) -> Job::Apply {
        std::vector<Discrepancy> found;
        VerifyOptions opts;
        opts.cancelled = [&ctl]() { return ctl.cancel.load(); };
        auto summary = verifyMount(
            mountpoint, stack,
            [&](const Discrepancy &d) {
                found.push_back(d);
                ctl.progress = found.size();
            },
            opts);
        return [this, mountpoint, found = std::move(found), summary = std::move(summary)]() {
            for (const Discrepancy &d : found) {
                auto *item = new QTreeWidgetItem(m_list);
                item->setText(KindColumn, kindText(d.kind));
                item->setData(KindColumn, Qt::UserRole, QString::fromUtf8(discrepancyKindName(d.kind).data()));
                item->setText(PathColumn, pathText(d.path));
                item->setText(FactColumn, QString::fromStdString(d.fact));
                item->setText(MountColumn, displayText(d.mountValue));
                item->setText(LayersColumn, displayText(d.layersValue));
                if (d.layer >= 0)
                    item->setIcon(LayersColumn, layerChip(d.layer));
            }
            if (!summary) {
                m_status->setText(
                    tr("Could not verify %1: %2").arg(displayText(mountpoint), errorText(summary.error())));
                return;
            }
            QString text = summary->discrepancies == 0
                ? tr("The mount agrees with its layers: %n entries compared", nullptr, int(summary->entries))
                : tr("The mount differs from its layers in %n places", nullptr, int(summary->discrepancies));
            text += QLatin1Char(' ') + tr("(%n directories).", nullptr, int(summary->dirs));
            if (summary->truncated)
                text += QLatin1Char(' ') + tr("Stopped before the end.");
            for (const Error &e : summary->problems)
                text += QLatin1Char('\n') + errorText(e);
            m_status->setText(text);
        };
    });
}

void VerifyReport::done(int result)
{
    m_job->cancel();
    QDialog::done(result);
}

} // namespace strata::gui
