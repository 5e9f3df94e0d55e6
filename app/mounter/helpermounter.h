// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The privileged Mounter: asks strata-helper over KAuth (polkit decides), and
// survives KAuth's known failure modes (../shared/docs/kauth-polkit.md):
// - one request in flight, the others queued: the helper serves one action at a
//   time and the client ignores its "busy" answer;
// - a fresh nonce in every request, checked in the reply: replies are broadcast and
//   matched only by action name, so another client's reply can arrive here;
// - a watchdog (Action::setTimeout and a timer that kills the job): a helper wedged
//   in its polkit check, or a lost reply, never hangs the caller;
// - helper codes >= 100 become translated messages; replies carry no secrets.

#include "mounter.h"

#include <QPointer>
#include <QQueue>
#include <QTimer>
#include <QVariantMap>

#include <optional>

class KJob;

namespace strata::app {

class HelperMounter : public Mounter {
    Q_OBJECT
public:
    explicit HelperMounter(QObject *parent = nullptr);
    ~HelperMounter() override;

    QString name() const override;
    bool supports(Backend backend) const override;
    quint64 mount(const MountRequest &request) override;
    quint64 unmount(const QString &mountpoint) override;
    // trusted.overlay.* facts and index handle resolution, read as root; the JSON
    // arrives through readFinished.
    quint64 readPrivileged(const stack::StackSpec &spec);

    // How long one request may take from the moment it is sent (default 60 s: an
    // administrator typing a password). The watchdog fires a little later.
    void setTimeout(int ms) { m_timeoutMs = ms; }
    int timeout() const { return m_timeoutMs; }

    // The translated sentence for a KAuth (1..9) or helper (>= 100) code; `detail`
    // is the helper's own text naming the path and the rule, appended when given.
    static QString messageForCode(int code, const QString &detail = {});

    static QString helperId();

Q_SIGNALS:
    void readFinished(quint64 requestId, const strata::app::MountResult &result, const QString &json);

private:
    struct Pending {
        quint64 id = 0;
        QString action; // "mount", "unmount", "readprivileged"
        QVariantMap args;
        QString nonce;
        QString mountpoint;
        int attempts = 0;
    };
    bool retryAfterMismatch();

    quint64 enqueue(const QString &action, QVariantMap args, const QString &mountpoint);
    void startNext();
    void onResult(KJob *job);
    void onWatchdog();
    void finish(const MountResult &result, const QString &json = {});

    QQueue<Pending> m_queue;
    std::optional<Pending> m_current;
    QPointer<KJob> m_job;
    QTimer m_watchdog;
    quint64 m_nextId = 1;
    int m_timeoutMs = 60000;
};

} // namespace strata::app
