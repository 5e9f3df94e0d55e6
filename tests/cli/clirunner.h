// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Runs the real stratactl binary, as the tests' user or as an unprivileged one, and
// hands back its exit code, output and parsed --json document.

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <string>

namespace strata::test {

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json; // empty unless stdout parsed as a JSON object
    bool started = false;
    bool jsonOk = false;

    // For QVERIFY2 messages: exit code, stderr and the head of stdout.
    QByteArray describe() const;
};

CliRun runCli(const QStringList &args);

// The unprivileged user of the build root (created by packaging/env/buildroot.sh).
inline constexpr const char *kUnprivilegedUser = "strata-alice";
// "" when `runCliAs` can drop privileges here, else why not (the test then skips).
std::string canRunUnprivileged();
// stratactl as kUnprivilegedUser, through setpriv (no capabilities, own groups).
CliRun runCliAs(const QStringList &args);

QString qpath(const std::string &bytes); // a path argument (paths in tests are UTF-8)

// The entry of a tree --json document at merged path `path`; empty when absent.
QJsonObject entryAt(const QJsonObject &treeDoc, const QString &path);
QStringList entryPaths(const QJsonObject &treeDoc);
QStringList states(const QJsonObject &entry);

} // namespace strata::test
