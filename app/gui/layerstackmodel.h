// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The layers of an open stack, top first, with their identities and (once the
// summary worker has counted them) sizes and counts, and badges for what matters
// before trusting a layer: read-only, remote, the xattr namespace, unreadable.

#include "stack/identitycheck.h"
#include "stack/layerstack.h"
#include "stack/summary.h"

#include <QAbstractTableModel>
#include <QHash>
#include <memory>

namespace strata::gui {

class LayerStackModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        LayerColumn,
        RoleColumn,
        PathColumn,
        FsTypeColumn,
        DeviceColumn,
        UuidColumn,
        SizeColumn,
        EntriesColumn,
        WhiteoutsColumn,
        OpaqueColumn,
        BadgesColumn,
        ColumnCount
    };
    enum Roles { LayerIndexRole = Qt::UserRole + 1, BadgesRole, ProblemRole, SortRole, IdentityDriftRole };

    explicit LayerStackModel(QObject *parent = nullptr);

    void setStack(std::shared_ptr<const stack::LayerStack> stack); // reset; clears counts
    const stack::LayerStack *stack() const { return m_stack.get(); }
    void setSummary(const stack::StackSummary &summary); // fills counts and problems
    void setLayerProblem(int layer, const QString &message); // an inline badge
    // The identity check (worker-computed): a "uuid changed" badge on the layers
    // whose recorded identity drifted (the upper and lower layer 1).
    void setIdentity(const stack::IdentityVerdict &verdict);
    const std::optional<stack::IdentityVerdict> &identity() const { return m_identity; }
    bool identityDrifted(int layer) const;

    QStringList badges(int layer) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const stack::LayerStack> m_stack;
    std::vector<std::optional<stack::LayerSummary>> m_summaries;
    QHash<int, QStringList> m_problems;
    std::optional<stack::IdentityVerdict> m_identity;
};

} // namespace strata::gui
