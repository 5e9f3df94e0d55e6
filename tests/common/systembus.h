// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QDBusConnection>
#include <QProcess>
#include <QString>

#include <memory>
#include <string>

namespace strata::test {

// A real system bus and polkitd for the system tiers: `dbus-daemon --system` and
// `polkitd --no-debug`, started inside ROOT ("/" for this machine, or a directory
// to chroot into, e.g. a freshly installed Debian root) and stopped again. The caller
// owns the environment: a private mount namespace with its own /run, the users
// messagebus and polkitd, the files the daemons read. Every wait is bounded.
class SystemBus {
public:
    explicit SystemBus(std::string root = "/");
    ~SystemBus();
    SystemBus(const SystemBus &) = delete;
    SystemBus &operator=(const SystemBus &) = delete;

    // Writes a fresh /etc/machine-id when it holds none (dbus-daemon needs one),
    // makes /run/dbus and /run/polkit-1/{rules.d,actions} (polkitd watches them only
    // when they exist at its start), starts the bus with BUSCONFIG (default: the
    // standard system bus) and then polkitd, and waits until polkitd owns its name.
    // Returns "" or what failed.
    std::string start(const std::string &busConfig = {});
    void stop();

    // A connection of this process to the bus (the daemons' socket inside ROOT).
    QDBusConnection &connection() { return *m_conn; }
    const std::string &root() const { return m_root; }
    // ROOT + PATH: where a path inside the root is seen from this process.
    std::string host(const std::string &path) const;

private:
    std::string m_root;
    QString m_name;
    QProcess m_bus;
    QProcess m_polkit;
    std::unique_ptr<QDBusConnection> m_conn;
};

} // namespace strata::test
