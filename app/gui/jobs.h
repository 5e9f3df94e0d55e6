// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Blocking core calls run in the thread pool through a Job: the work function runs
// off the GUI thread and returns a closure that applies its result on the GUI
// thread. Restarting or cancelling a job drops the result of the run before, so a
// slow scan of a stack that was closed never lands in the new one.

#include <QObject>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>

namespace strata::gui {

class Job : public QObject {
    Q_OBJECT
public:
    struct Control {
        std::atomic<bool> cancel {false};
        std::atomic<quint64> progress {0}; // entries seen, for the progress display
    };
    using Apply = std::function<void()>;
    using Work = std::function<Apply(Control &)>;

    explicit Job(QObject *parent = nullptr);
    ~Job() override;

    void start(Work work);
    void cancel();
    bool isRunning() const { return m_running; }
    quint64 progress() const { return m_control ? m_control->progress.load() : 0; }

Q_SIGNALS:
    void started();
    void progressChanged(quint64 entriesSeen);
    void finished(); // the result was applied
    void cancelled();

private:
    std::shared_ptr<Control> m_control;
    quint64 m_generation = 0;
    bool m_running = false;
    QTimer m_progressTimer;
};

} // namespace strata::gui
