// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountsdialog.h"

#include "mountwatcher.h"
#include "reportrows.h"
#include "rowtablemodel.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace strata::gui {

MountsDialog::MountsDialog(MountWatcher *watcher, QWidget *parent)
    : QDialog(parent)
    , m_watcher(watcher)
    , m_model(new RowTableModel(rows::mountHeaders(), this))
    , m_view(new QTableView(this))
    , m_status(new QLabel(this))
{
    setWindowTitle(tr("Open a mounted stack"));
    auto *layout = new QVBoxLayout(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAccessibleName(tr("Union mounts"));
    layout->addWidget(m_view);
    layout->addWidget(m_status);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    layout->addWidget(box);
    connect(box, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_view, &QTableView::activated, this, &QDialog::accept);
    connect(m_watcher, &MountWatcher::mountsChanged, this, &MountsDialog::reload);
    connect(m_watcher, &MountWatcher::failed, m_status, &QLabel::setText);
    reload();
    resize(720, 360);
}

void MountsDialog::reload()
{
    const QString keep = selectedMountpoint();
    m_model->setRows(rows::mounts(m_watcher->unionMounts()));
    for (int r = 0; r < m_model->rowCount(); ++r)
        if (QString::fromLocal8Bit(m_model->row(r).payload.toByteArray()) == keep)
            m_view->selectRow(r);
    if (!m_view->currentIndex().isValid() && m_model->rowCount() > 0)
        m_view->selectRow(0);
    m_status->setText(m_model->rowCount() == 0
                          ? tr("No overlay or FUSE union mounts are visible to this process. The "
                               "list updates as mounts appear.")
                          : (m_watcher->isLive() ? tr("Updated live from the mount table.") : QString()));
}

QString MountsDialog::selectedMountpoint() const
{
    const QModelIndex i = m_view->currentIndex();
    if (!i.isValid())
        return {};
    return QString::fromLocal8Bit(i.data(RowTableModel::PayloadRole).toByteArray());
}

} // namespace strata::gui
