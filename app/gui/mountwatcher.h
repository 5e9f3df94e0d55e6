// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The union mounts this process sees, kept current: the kernel flags
// /proc/self/mountinfo with POLLPRI whenever the mount table changes, so a socket
// notifier on it (Exception) wakes us; the table is then re-read (libmount) in a
// worker. Bursts of changes are coalesced.

#include "jobs.h"
#include "mounts/mounttable.h"

#include <QObject>
#include <QTimer>
#include <vector>

class QSocketNotifier;

namespace strata::gui {

class MountWatcher : public QObject {
    Q_OBJECT
public:
    explicit MountWatcher(QObject *parent = nullptr);
    ~MountWatcher() override;

    void refresh(); // re-read now (also done once at construction)
    const std::vector<mounts::MountEntry> &unionMounts() const { return m_mounts; }
    bool isLive() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void mountsChanged();
    void failed(const QString &reason);

private:
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_debounce;
    Job m_job;
    std::vector<mounts::MountEntry> m_mounts;
};

} // namespace strata::gui
