// SPDX-License-Identifier: GPL-2.0-or-later
#include "jobs.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace strata::gui {

Job::Job(QObject *parent)
    : QObject(parent)
{
    m_progressTimer.setInterval(150);
    connect(&m_progressTimer, &QTimer::timeout, this, [this]() { Q_EMIT progressChanged(progress()); });
}

Job::~Job()
{
    if (m_control)
        m_control->cancel = true; // the worker finishes on its own; its result is dropped
}

void Job::start(Work work)
{
    if (m_control)
        m_control->cancel = true;
    auto control = std::make_shared<Control>();
    m_control = control;
    const quint64 generation = ++m_generation;
    m_running = true;
    m_progressTimer.start();
    Q_EMIT started();

    auto *watcher = new QFutureWatcher<Apply>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, control]() {
        watcher->deleteLater();
        if (generation != m_generation || control->cancel)
            return;
        m_running = false;
        m_progressTimer.stop();
        if (Apply apply = watcher->result())
            apply();
        Q_EMIT finished();
    });
    watcher->setFuture(QtConcurrent::run([work = std::move(work), control]() -> Apply { return work(*control); }));
}

void Job::cancel()
{
    if (!m_running)
        return;
    m_control->cancel = true;
    ++m_generation;
    m_running = false;
    m_progressTimer.stop();
    Q_EMIT cancelled();
}

} // namespace strata::gui
