// SPDX-License-Identifier: GPL-2.0-or-later
// The German translation: complete (no message unfinished or empty), true to its
// sources (placeholders, accelerators, leading spaces), agreeing with the German of
// the .desktop file and the AppStream metainfo, and actually used by the running
// app: the embedded .qm loads and the widgets show German.
#include "assembly.h"
#include "details.h"
#include "fakemounter.h"
#include "guitesthelpers.h"
#include "guitestmain.h"
#include "mainwindow.h"
#include "testenv.h"
#include "treepanel.h"

#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSettings>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace strata;
using namespace strata::gui;

namespace {

struct Message {
    QString context;
    QString source;
    QStringList translations; // one, or the numerus forms
    bool unfinished = false;
    bool numerus = false;
};

QString sourcePath(const QString &rel)
{
    return QString::fromStdString(test::sourceDir()) + QLatin1Char('/') + rel;
}

QList<Message> readTs(const QString &path, QString &error)
{
    QList<Message> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = path + QStringLiteral(": ") + f.errorString();
        return out;
    }
    QXmlStreamReader xml(&f);
    QString context;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            Message m;
            m.context = context;
            m.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            while (!(xml.isEndElement() && xml.name() == QLatin1String("message")) && !xml.atEnd()) {
                xml.readNext();
                if (!xml.isStartElement())
                    continue;
                if (xml.name() == QLatin1String("source")) {
                    m.source = xml.readElementText();
                } else if (xml.name() == QLatin1String("translation")) {
                    const auto type = xml.attributes().value(QLatin1String("type"));
                    m.unfinished = !type.isEmpty(); // unfinished, vanished, obsolete
                    if (!m.numerus)
                        m.translations << xml.readElementText();
                } else if (xml.name() == QLatin1String("numerusform")) {
                    m.translations << xml.readElementText();
                }
            }
            out << m;
        }
    }
    if (xml.hasError())
        error = path + QStringLiteral(": ") + xml.errorString();
    return out;
}

QStringList placeholders(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("%L?[0-9n]"));
    QStringList out;
    for (const auto &m : re.globalMatch(s))
        out << m.captured();
    out.sort();
    return out;
}

int accelerators(QString s)
{
    s.remove(QStringLiteral("&&"));
    return int(s.count(QLatin1Char('&')));
}

QString translated(const QList<Message> &messages, const QString &context, const QString &source)
{
    for (const Message &m : messages)
        if (m.context == context && m.source == source && !m.translations.isEmpty())
            return m.translations.first();
    return {};
}

} // namespace

class TestGuiI18n : public QObject {
    Q_OBJECT

    QList<Message> m_de;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_de = readTs(sourcePath(QStringLiteral("translations/strata_de.ts")), error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(m_de.size() > 300);
    }

    void everyMessageTranslated()
    {
        QStringList bad;
        for (const Message &m : std::as_const(m_de)) {
            const QString where = m.context + QStringLiteral(": \"") + m.source + QLatin1Char('"');
            if (m.unfinished)
                bad << where + QStringLiteral(" is unfinished");
            if (m.translations.isEmpty()
                || std::any_of(m.translations.begin(), m.translations.end(),
                               [](const QString &t) { return t.trimmed().isEmpty(); }))
                bad << where + QStringLiteral(" lacks a translation");
            if (m.numerus && m.translations.size() != 2)
                bad << where + QStringLiteral(" needs two numerus forms (German: singular, plural)");
        }
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
    }

    void translationsTrueToSources()
    {
        QStringList bad;
        for (const Message &m : std::as_const(m_de)) {
            for (const QString &t : m.translations) {
                const QString where
                    = m.context + QStringLiteral(": \"") + m.source + QStringLiteral("\" -> \"") + t + QLatin1Char('"');
                // Numerus forms may leave %n out of the singular only if the source has none.
                if (placeholders(t) != placeholders(m.source))
                    bad << where + QStringLiteral(": placeholders differ");
                if (accelerators(t) != accelerators(m.source))
                    bad << where + QStringLiteral(": accelerator count differs");
                if (m.source.startsWith(QLatin1Char(' ')) != t.startsWith(QLatin1Char(' ')))
                    bad << where + QStringLiteral(": leading space differs (the text is appended to another)");
                if (m.source.endsWith(QChar(0x2026)) != t.endsWith(QChar(0x2026)))
                    bad << where + QStringLiteral(": the ellipsis (a dialog follows) differs");
            }
        }
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
    }

    void desktopFileAgrees()
    {
        QFile f(sourcePath(QStringLiteral("resources/" STRATA_ID ".desktop")));
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        QHash<QString, QString> keys;
        for (const QByteArray &line : f.readAll().split('\n')) {
            const int eq = line.indexOf('=');
            if (eq > 0)
                keys.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
        }
        for (const char *key : {"GenericName", "Comment", "Keywords"}) {
            const QString en = keys.value(QString::fromLatin1(key));
            QVERIFY2(!en.isEmpty(), key);
            const QString de = translated(m_de, QStringLiteral("desktop"), en);
            QVERIFY2(!de.isEmpty(), qPrintable(en + QStringLiteral(": not in strata_de.ts (context desktop)")));
            QCOMPARE(keys.value(QString::fromLatin1(key) + QStringLiteral("[de]")), de);
        }
    }

    void metainfoAgrees()
    {
        QFile f(sourcePath(QStringLiteral("resources/" STRATA_ID ".metainfo.xml")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&f);
        QString lastEnglish;
        int german = 0;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            const QString name = xml.name().toString();
            if (name != QLatin1String("summary") && name != QLatin1String("p") && name != QLatin1String("caption"))
                continue;
            const QString lang = xml.attributes().value(QLatin1String("xml:lang")).toString();
            const QString text = xml.readElementText();
            if (lang.isEmpty()) {
                lastEnglish = text;
            } else if (lang == QLatin1String("de")) {
                const QString de = translated(m_de, QStringLiteral("metainfo"), lastEnglish);
                QVERIFY2(!de.isEmpty(), qPrintable(lastEnglish + QStringLiteral(": not in strata_de.ts (metainfo)")));
                QCOMPARE(text, de);
                ++german;
            }
        }
        QVERIFY(!xml.hasError());
        QVERIFY(german >= 6);
    }

    // The embedded .qm, loaded the way the app loads it, turns the widgets German.
    void runningAppShowsGerman()
    {
        QTranslator translator;
        QVERIFY(translator.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("strata"), QStringLiteral("_"),
                                QStringLiteral(":/i18n")));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        auto uninstall = qScopeGuard([&] { QCoreApplication::removeTranslator(&translator); });

        test::FakeMounter mounter;
        MainWindow w(&mounter);
        w.show();
        QStringList menus;
        for (QAction *a : w.menuBar()->actions())
            menus << a->text();
        QCOMPARE(menus.value(0), QStringLiteral("&Datei"));
        QVERIFY2(menus.contains(QStringLiteral("&Ansicht")), qPrintable(menus.join(QLatin1Char(' '))));

        TreePanel tree;
        const auto edits = tree.findChildren<QLineEdit *>();
        QVERIFY(std::any_of(edits.begin(), edits.end(), [](QLineEdit *e) {
            return e->placeholderText() == QStringLiteral("Alle Pfade durchsuchen (regulärer Ausdruck) …");
        }));

        // Strings outside classes: their runtime context must match lupdate's.
        QCOMPARE(assembly::refusalText(assembly::Refusal::Missing), QStringLiteral("existiert nicht"));
        test::DemoStack demo;
        QVERIFY2(demo.stack, demo.error.c_str());
        stack::MergedTree mt(demo.stack);
        auto listing = mt.list("", {});
        QVERIFY(listing && !listing->entries.empty());
        const auto &e = listing->entries.front();
        const auto sections = entryDetails(*demo.stack, e.name, e);
        QCOMPARE(sections.value(0).title, QStringLiteral("Eintrag"));
    }
};

STRATA_GUI_TEST_MAIN_REQUIRES(TestGuiI18n, test::requireNothing)
#include "test_gui_i18n.moc"
