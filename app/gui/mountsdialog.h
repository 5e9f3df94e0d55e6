// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Picks a mounted overlay or FUSE union to open; the list follows the mount table
// live (MountWatcher).

#include <QDialog>

class QLabel;
class QTableView;

namespace strata::gui {

class MountWatcher;
class RowTableModel;

class MountsDialog : public QDialog {
    Q_OBJECT
public:
    MountsDialog(MountWatcher *watcher, QWidget *parent = nullptr);

    QString selectedMountpoint() const; // bytes as local 8-bit, for LayerStack::open
    RowTableModel *model() const { return m_model; }

private:
    void reload();

    MountWatcher *m_watcher;
    RowTableModel *m_model;
    QTableView *m_view;
    QLabel *m_status;
};

} // namespace strata::gui
