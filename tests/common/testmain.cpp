// SPDX-License-Identifier: GPL-2.0-or-later
#include "testmain.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryDir>

#include <cstdio>

namespace strata::test {

namespace {

// Arguments that choose Qt Test's own output or only list: left alone.
bool choosesOutput(const QStringList &args)
{
    for (const auto &a : args)
        if (a == QLatin1String("-o") || a.startsWith(QLatin1String("-o")) || a == QLatin1String("-functions")
            || a == QLatin1String("-datatags") || a == QLatin1String("-help") || a == QLatin1String("--help"))
            return true;
    return false;
}

} // namespace

int execTests(QObject &testObject, int argc, char *argv[], const char *suite)
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QTemporaryDir dir;
    if (choosesOutput(args) || !dir.isValid())
        return QTest::qExec(&testObject, args);
    // The usual text on stdout, and a copy in a file to count the skips in.
    const QString log = dir.filePath(QStringLiteral("results.txt"));
    args << QStringLiteral("-o") << QStringLiteral("-,txt") << QStringLiteral("-o") << log + QStringLiteral(",txt");
    const int failed = QTest::qExec(&testObject, args);
    if (failed != 0)
        return failed;
    QFile file(log);
    if (!file.open(QIODevice::ReadOnly))
        return failed;
    QStringList skipped;
    int passed = 0;
    static const QRegularExpression totals(QStringLiteral("^Totals: (\\d+) passed"));
    for (const QByteArray &raw : file.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.startsWith(QLatin1String("SKIP   : ")))
            skipped << line.mid(9).trimmed();
        else if (const auto m = totals.match(line); m.hasMatch())
            passed = m.captured(1).toInt();
    }
    if (skipped.isEmpty())
        return 0;
    // ctest knows one result per executable: a suite where anything was skipped is
    // reported skipped (77, SKIP_RETURN_CODE), never passed; failures still fail.
    std::printf("SKIPPED %s: %lld skipped (%d passed):\n", suite, static_cast<long long>(skipped.size()), passed);
    for (const auto &s : skipped)
        std::printf("  %s\n", qPrintable(s));
    return 77;
}

} // namespace strata::test
