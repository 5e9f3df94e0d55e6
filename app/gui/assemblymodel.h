// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The stack being assembled, as a list a person drops directories onto (text/uri-list
// from a file manager) and reorders by dragging (our own mime type, rows). The rules
// live in assembly.h; this adapts them to Qt's drag-and-drop model API.
//
// The GUI thread never touches the file system here: whether a dropped path is a
// directory comes from PathProbes (a worker). canDropMimeData answers from what is
// known and accepts a drag whose paths are still being probed (the answer is
// refined on the next drag-move); a drop or an add of such paths waits for the
// probe and is decided then, as a whole, in drop order.

#include "assembly.h"
#include "pathprobes.h"

#include <QAbstractListModel>

namespace strata::gui {

class AssemblyModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles { PathRole = Qt::UserRole + 1, SlotRoleRole };
    static QString rowsMimeType() { return QStringLiteral("application/x-strata-layer-rows"); }

    explicit AssemblyModel(QObject *parent = nullptr);

    const assembly::Slots &slotList() const { return m_slots; }
    void setSlots(const assembly::Slots &layers); // reset

    // The same operations as dragging, for buttons and shortcuts. Paths not probed
    // yet make the whole add wait for their probe (hasPendingDrops()).
    assembly::DropPlan addDirectories(const QStringList &paths, int row = -1);
    bool hasPendingDrops() const { return !m_pending.isEmpty(); }
    PathProbes *probes() const { return m_probes; }
    bool moveRowsTo(const QList<int> &rows, int destRow);
    void setRole(int row, assembly::SlotRole role);
    void removeSlots(const QList<int> &rows);

    // The refusals of the last drop, for the message bar.
    const QList<assembly::Refused> &lastRefused() const { return m_lastRefused; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                         const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

Q_SIGNALS:
    void slotsChanged();
    void dropRefused(const QList<strata::gui::assembly::Refused> &refused);

private:
    struct PendingDrop {
        QStringList paths;
        int row = -1;
        QList<assembly::Refused> refused; // already known (not local files)
    };
    assembly::DropPlan addNow(const QStringList &paths, int row, QList<assembly::Refused> refused);
    void settlePending();
    void replace(const assembly::Slots &layers);
    static QList<int> decodeRows(const QMimeData *data);

    assembly::Slots m_slots;
    QList<assembly::Refused> m_lastRefused;
    PathProbes *m_probes;
    QList<PendingDrop> m_pending;
};

} // namespace strata::gui
