// SPDX-License-Identifier: GPL-2.0-or-later
#include "clirunner.h"

#include "testenv.h"

#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <pwd.h>
#include <unistd.h>

namespace strata::test {

namespace {

CliRun run(const QString &program, const QStringList &args)
{
    CliRun r;
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    p.start();
    r.started = p.waitForStarted(10000);
    if (!r.started)
        return r;
    p.closeWriteChannel();
    p.waitForFinished(120000);
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    QJsonParseError pe {};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    r.jsonOk = pe.error == QJsonParseError::NoError && doc.isObject();
    if (r.jsonOk)
        r.json = doc.object();
    return r;
}

QString stratactl()
{
    return QString::fromStdString(binaryDir() + "/stratactl");
}

} // namespace

QByteArray CliRun::describe() const
{
    return "exit " + QByteArray::number(exitCode) + "; stderr: " + err.left(2000) + "; stdout: " + out.left(2000);
}

CliRun runCli(const QStringList &args)
{
    return run(stratactl(), args);
}

std::string canRunUnprivileged()
{
    if (::geteuid() != 0)
        return "not root: cannot switch to another user";
    if (!::getpwnam(kUnprivilegedUser))
        return std::string("no user ") + kUnprivilegedUser + " (the build root creates it)";
    if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
        return "setpriv (util-linux) is not installed";
    return {};
}

CliRun runCliAs(const QStringList &args)
{
    const passwd *pw = ::getpwnam(kUnprivilegedUser);
    QStringList full = {QStringLiteral("--reuid=%1").arg(pw->pw_uid),
                        QStringLiteral("--regid=%1").arg(pw->pw_gid),
                        QStringLiteral("--init-groups"),
                        QStringLiteral("--inh-caps=-all"),
                        QStringLiteral("--bounding-set=-all"),
                        QStringLiteral("--"),
                        stratactl()};
    full += args;
    return run(QStandardPaths::findExecutable(QStringLiteral("setpriv")), full);
}

QString qpath(const std::string &bytes)
{
    return QString::fromStdString(bytes);
}

QJsonObject entryAt(const QJsonObject &treeDoc, const QString &path)
{
    for (const auto &v : treeDoc.value(QStringLiteral("entries")).toArray())
        if (v.toObject().value(QStringLiteral("path")).toString() == path)
            return v.toObject();
    return {};
}

QStringList entryPaths(const QJsonObject &treeDoc)
{
    QStringList out;
    for (const auto &v : treeDoc.value(QStringLiteral("entries")).toArray())
        out << v.toObject().value(QStringLiteral("path")).toString();
    return out;
}

QStringList states(const QJsonObject &entry)
{
    QStringList out;
    for (const auto &v : entry.value(QStringLiteral("states")).toArray())
        out << v.toString();
    return out;
}

} // namespace strata::test
