// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the file system says about paths dragged over the assembly, probed in the
// thread pool and kept by path: a drag asks "may this drop here?" on every mouse
// move, on the GUI thread, and a stat of a path on a hung NFS server (or an
// automount) must not freeze the window. A path not probed yet is answered as
// unknown (assembly::PathFacts::known false); `probed` says when the answer came.

#include "assembly.h"

#include <QHash>
#include <QObject>
#include <QSet>

namespace strata::gui {

class PathProbes : public QObject {
    Q_OBJECT
public:
    explicit PathProbes(QObject *parent = nullptr);

    // The worker's probe (tests give a table; the default asks the file system).
    void setProbe(assembly::Probe probe) { m_probe = std::move(probe); }

    // Cached facts; `known` is false when the path was never probed.
    assembly::PathFacts facts(const QString &path) const;
    assembly::Probe cached() const
    {
        return [this](const QString &path) { return facts(path); };
    }

    // Probes the paths not known yet (all of them with `refresh`: a new drag may
    // find the file system changed; the old answers hold until the new ones come).
    void request(const QStringList &paths, bool refresh = false);
    bool isProbing() const { return !m_inFlight.isEmpty(); }

Q_SIGNALS:
    void probed(const QStringList &paths);

private:
    assembly::Probe m_probe;
    QHash<QString, assembly::PathFacts> m_facts;
    QSet<QString> m_inFlight;
};

} // namespace strata::gui
