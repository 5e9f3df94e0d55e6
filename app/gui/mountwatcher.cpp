// SPDX-License-Identifier: GPL-2.0-or-later
#include "mountwatcher.h"

#include "guitext.h"

#include <QSocketNotifier>
#include <fcntl.h>
#include <unistd.h>

namespace strata::gui {

MountWatcher::MountWatcher(QObject *parent)
    : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(50);
    connect(&m_debounce, &QTimer::timeout, this, &MountWatcher::refresh);
    m_fd = ::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (m_fd >= 0) {
        m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Exception, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this]() { m_debounce.start(); });
    }
    refresh();
}

MountWatcher::~MountWatcher()
{
    delete m_notifier;
    if (m_fd >= 0)
        ::close(m_fd);
}

void MountWatcher::refresh()
{
    m_job.start([this](Job::Control &) -> Job::Apply {
        auto table = mounts::readUnionMounts();
        return [this, table = std::move(table)]() mutable {
            if (!table) {
                Q_EMIT failed(errorText(table.error()));
                return;
            }
            m_mounts = std::move(*table);
            Q_EMIT mountsChanged();
        };
    });
}

} // namespace strata::gui
