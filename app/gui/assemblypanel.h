// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Assembling a new stack: drop layer directories, reorder them, choose the upper
// and work dirs; under the list, a live preflight says what kernel overlayfs and
// strata-fuse would each do with it. From here the stack is inspected, saved as a
// stack file, or mounted through the Mounter.

#include "assemblymodel.h"
#include "jobs.h"
#include "mounter/mounter.h"

#include <QListView>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace strata::gui {

class MessageBar;
class RowTableModel;

// Drags rows with our mime type and leaves the move to the model (the view's
// default would remove the dragged rows after a "move" drop). A drag entering
// probes its paths again in a worker: the file system may have changed since the
// last drag.
class AssemblyView : public QListView {
    Q_OBJECT
public:
    explicit AssemblyView(QWidget *parent = nullptr);

protected:
    void startDrag(Qt::DropActions supportedActions) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
};

class AssemblyPanel : public QWidget {
    Q_OBJECT
public:
    explicit AssemblyPanel(app::Mounter *mounter, QWidget *parent = nullptr);

    AssemblyModel *model() const { return m_model; }
    AssemblyView *view() const { return m_view; }
    RowTableModel *preflightModel() const { return m_preflight; }
    Job *preflightJob() const { return m_preflightJob; }
    MessageBar *messageBar() const { return m_messages; }
    QLineEdit *mountpointField() const { return m_mountpoint; }

    void addDirectoryDialog();
    void removeSelected();
    void moveSelected(int delta);
    void setSelectedRole(assembly::SlotRole role);
    void saveDialog();
    // Writes the stack file in a worker; the result shows in the message bar.
    void saveTo(const QString &file);
    Job *saveJob() const { return m_saveJob; }
    void mount();
    void unmount();
    // Offers `mounter` (the privileged helper) in a "mount with" choice: kernel
    // overlayfs or strata-fuse through it, next to the constructor's Mounter.
    void setPrivilegedMounter(app::Mounter *mounter);
    QComboBox *mountChoice() const { return m_mountChoice; }

Q_SIGNALS:
    void inspectRequested(const strata::stack::StackSpec &spec);
    void mounted(const QString &mountpoint);

private:
    QList<int> selectedRows() const;
    void schedulePreflight();
    void runPreflight();

    app::Mounter *m_mounter;
    AssemblyModel *m_model;
    AssemblyView *m_view;
    RowTableModel *m_preflight;
    QTableView *m_preflightView;
    Job *m_preflightJob;
    Job *m_saveJob;
    MessageBar *m_messages;
    QLineEdit *m_mountpoint;
    QPushButton *m_mountButton;
    QString m_lastMounted;
    bool m_preflightQueued = false;
    app::Mounter *m_privileged = nullptr;
    QComboBox *m_mountChoice = nullptr;
};

} // namespace strata::gui
