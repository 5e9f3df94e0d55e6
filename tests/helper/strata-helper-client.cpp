// SPDX-License-Identifier: GPL-2.0-or-later
// strata-helper-client: runs strata-helper's KAuth actions from the command line and
// prints every result as one JSON line, for the system-tier test (which runs it as
// root and as the unprivileged test users) and for people debugging polkit rules.
//
//   strata-helper-client mount --backend kernel --lower L1 --lower L2 --upper U --work W --mountpoint M
//   strata-helper-client unmount --mountpoint M
//   strata-helper-client readprivileged --lower L1 [--upper U --work W]
//   strata-helper-client mount --raw '{"backend": "kernel", ...}'   (KAuth::Action directly, no nonce added)
//
// Default: through HelperMounter, the client the GUI uses (queue, nonce, watchdog);
// --repeat N queues N identical requests at once. --raw bypasses it and shows what
// KAuth itself delivers, reply data included. Exit 0 once every result is printed,
// 2 on bad usage, 3 when the client's own hard deadline passed (never hangs).
#include "helpermounter.h"

#include <KAuth/Action>
#include <KAuth/ExecuteJob>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

using strata::app::HelperMounter;
using strata::app::MountResult;

namespace {

void printLine(QJsonObject o)
{
    o.insert(QStringLiteral("uid"), static_cast<qint64>(::getuid()));
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

// JSON arrays of strings become QStringList: that is what the helper expects.
QVariantMap toArgs(const QJsonObject &o)
{
    QVariantMap out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it->isArray()) {
            QStringList list;
            bool allStrings = true;
            for (const auto &v : it->toArray()) {
                allStrings = allStrings && v.isString();
                list << v.toString();
            }
            out.insert(it.key(), allStrings ? QVariant(list) : it->toVariant());
        } else {
            out.insert(it.key(), it->toVariant());
        }
    }
    return out;
}

int runRaw(const QString &verb, const QString &json, int timeoutMs)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
    if (!doc.isObject()) {
        std::fprintf(stderr, "strata-helper-client: --raw needs a JSON object: %s\n", qPrintable(err.errorString()));
        return 2;
    }
    KAuth::Action action(HelperMounter::helperId() + QLatin1Char('.') + verb);
    action.setHelperId(HelperMounter::helperId());
    action.setArguments(toArgs(doc.object()));
    action.setTimeout(timeoutMs);
    KAuth::ExecuteJob *job = action.execute();
    QObject::connect(job, &KJob::result, [job] {
        printLine({{QStringLiteral("ok"), job->error() == 0},
                   {QStringLiteral("code"), job->error()},
                   {QStringLiteral("errorText"), job->errorText()},
                   {QStringLiteral("data"), QJsonObject::fromVariantMap(job->data())}});
        QCoreApplication::exit(0);
    });
    job->start();
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("mount, unmount or readprivileged"));
    const QCommandLineOption backend(QStringLiteral("backend"), QStringLiteral("kernel or strata-fuse"),
                                     QStringLiteral("backend"), QStringLiteral("kernel"));
    const QCommandLineOption lower(QStringLiteral("lower"), QStringLiteral("a lower layer (top first, repeat)"),
                                   QStringLiteral("dir"));
    const QCommandLineOption upper(QStringLiteral("upper"), QStringLiteral("the upper dir"), QStringLiteral("dir"));
    const QCommandLineOption work(QStringLiteral("work"), QStringLiteral("the work dir"), QStringLiteral("dir"));
    const QCommandLineOption mountpoint(QStringLiteral("mountpoint"), QStringLiteral("the mount point"),
                                        QStringLiteral("dir"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("the stack name"), QStringLiteral("name"));
    const QCommandLineOption option(QStringLiteral("option"), QStringLiteral("a mount option key[=value] (repeat)"),
                                    QStringLiteral("opt"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("per-request timeout in ms"),
                                     QStringLiteral("ms"), QStringLiteral("20000"));
    const QCommandLineOption repeat(QStringLiteral("repeat"), QStringLiteral("queue the request N times"),
                                    QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption raw(QStringLiteral("raw"), QStringLiteral("KAuth::Action with these arguments (JSON)"),
                                 QStringLiteral("json"));
    p.addOptions({backend, lower, upper, work, mountpoint, name, option, timeout, repeat, raw});
    p.process(app);
    const QStringList pos = p.positionalArguments();
    const QString verb = pos.value(0);
    if (pos.size() != 1
        || (verb != QLatin1String("mount") && verb != QLatin1String("unmount")
            && verb != QLatin1String("readprivileged"))) {
        std::fprintf(stderr, "strata-helper-client: one action: mount, unmount or readprivileged\n");
        return 2;
    }
    const int timeoutMs = qBound(100, p.value(timeout).toInt(), 600000);
    const int count = qBound(1, p.value(repeat).toInt(), 100);

    // The client's own bound, beyond HelperMounter's watchdog: a test never hangs.
    QTimer hard;
    hard.setSingleShot(true);
    QObject::connect(&hard, &QTimer::timeout, [] {
        printLine({{QStringLiteral("error"), QStringLiteral("client hard deadline passed")}});
        std::_Exit(3);
    });
    hard.start(timeoutMs * (count + 1) + 10000);

    if (p.isSet(raw))
        return runRaw(verb, p.value(raw), timeoutMs);

    strata::stack::StackSpec spec;
    for (const auto &l : p.values(lower))
        spec.lower.push_back(l.toStdString());
    if (p.isSet(upper))
        spec.upper = p.value(upper).toStdString();
    if (p.isSet(work))
        spec.work = p.value(work).toStdString();
    spec.name = p.value(name).toStdString();
    for (const auto &o : p.values(option)) {
        const qsizetype eq = o.indexOf(QLatin1Char('='));
        if (eq < 0)
            spec.options.emplace_back(o.toStdString(), std::nullopt);
        else
            spec.options.emplace_back(o.left(eq).toStdString(), o.mid(eq + 1).toStdString());
    }

    HelperMounter mounter;
    mounter.setTimeout(timeoutMs);
    int left = count;
    auto report = [&](quint64 id, const MountResult &r, const QString *json) {
        QJsonObject o {{QStringLiteral("action"), verb},       {QStringLiteral("request"), static_cast<qint64>(id)},
                       {QStringLiteral("ok"), r.ok},           {QStringLiteral("code"), r.code},
                       {QStringLiteral("message"), r.message}, {QStringLiteral("mountpoint"), r.mountpoint}};
        if (json)
            o.insert(QStringLiteral("json"), *json);
        printLine(o);
        if (--left == 0)
            QCoreApplication::exit(0);
    };
    QObject::connect(&mounter, &HelperMounter::finished,
                     [&](quint64 id, const MountResult &r) { report(id, r, nullptr); });
    QObject::connect(&mounter, &HelperMounter::readFinished,
                     [&](quint64 id, const MountResult &r, const QString &json) { report(id, r, &json); });
    for (int i = 0; i < count; ++i) {
        if (verb == QLatin1String("unmount")) {
            mounter.unmount(p.value(mountpoint));
        } else if (verb == QLatin1String("readprivileged")) {
            mounter.readPrivileged(spec);
        } else {
            strata::app::MountRequest r;
            r.spec = spec;
            r.mountpoint = p.value(mountpoint);
            r.backend = p.value(backend) == QLatin1String("kernel") ? strata::app::Backend::Kernel
                                                                    : strata::app::Backend::StrataFuse;
            mounter.mount(r);
        }
    }
    return QCoreApplication::exec();
}
