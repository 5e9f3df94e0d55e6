// SPDX-License-Identifier: GPL-2.0-or-later
#include "pathprobes.h"

#include <QDir>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace strata::gui {

using assembly::PathFacts;

PathProbes::PathProbes(QObject *parent)
    : QObject(parent)
    , m_probe(assembly::probeFileSystem)
{ }

PathFacts PathProbes::facts(const QString &path) const
{
    const auto it = m_facts.constFind(QDir::cleanPath(path));
    return it == m_facts.constEnd() ? PathFacts {} : *it;
}

void PathProbes::request(const QStringList &paths, bool refresh)
{
    QStringList todo;
    for (const QString &p : paths) {
        const QString path = QDir::cleanPath(p);
        if (m_inFlight.contains(path) || todo.contains(path) || (!refresh && m_facts.contains(path)))
            continue;
        todo << path;
    }
    if (todo.isEmpty())
        return;
    for (const QString &p : todo)
        m_inFlight.insert(p);
    using Answers = QList<std::pair<QString, PathFacts>>;
    auto *watcher = new QFutureWatcher<Answers>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher]() {
        watcher->deleteLater();
        QStringList done;
        for (const auto &[path, facts] : watcher->result()) {
            m_facts.insert(path, facts);
            m_inFlight.remove(path);
            done << path;
        }
        Q_EMIT probed(done);
    });
    watcher->setFuture(QtConcurrent::run([probe = m_probe, todo]() {
        Answers answers;
        for (const QString &p : todo) {
            PathFacts f = probe(p);
            f.known = true;
            answers.append({p, f});
        }
        return answers;
    }));
}

} // namespace strata::gui
