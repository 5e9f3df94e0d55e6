// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Filters and sorting over the lazy merged tree. Directories stay visible under the
// state and layer filters while they may still hold a match (a dir the layer
// contributes to, a dir not listed yet), so a person can descend into them; the
// "layer only" mode instead keeps exactly what the layer itself holds.

#include <QRegularExpression>
#include <QSortFilterProxyModel>

namespace strata::gui {

class TreeFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TreeFilterProxy(QObject *parent = nullptr);

    void setShowWhiteouts(bool show);
    bool showWhiteouts() const { return m_showWhiteouts; }
    // Entries with any of these stack::State bits (0: no state filter).
    void setStateMask(uint mask);
    uint stateMask() const { return m_stateMask; }
    // Entries whose visible version comes from `layer`, and dirs it contributes to
    // (-1: every layer).
    void setLayerFilter(int layer);
    int layerFilter() const { return m_layer; }
    // Only what `layer` itself holds (dive's "this layer only"; -1: off).
    void setOnlyLayer(int layer);
    int onlyLayer() const { return m_onlyLayer; }
    // Matched against the full merged path ("/etc/passwd"); empty or invalid: off.
    // Only loaded rows are matched: a directory not listed yet stays visible (it may
    // hold matches) but is not listed by the filter; a search of the whole stack
    // needs a scan, which the filter does not start (issue 4: not done yet).
    void setPathPattern(const QString &pattern);
    QString pathPattern() const { return m_pattern.pattern(); }
    bool patternValid() const { return m_pattern.pattern().isEmpty() || m_pattern.isValid(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool m_showWhiteouts = true;
    uint m_stateMask = 0;
    int m_layer = -1;
    int m_onlyLayer = -1;
    QRegularExpression m_pattern;
};

} // namespace strata::gui
