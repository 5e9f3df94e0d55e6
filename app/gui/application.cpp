// SPDX-License-Identifier: GPL-2.0-or-later
#include "application.h"

#include "assemblypanel.h"
#include "detailspane.h"
#include "mainwindow.h"
#include "mounter/helpermounter.h"
#include "mounter/usermounter.h"
#include "screenshots.h"
#include "treepanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QIcon>
#include <QImageReader>
#include <QLibraryInfo>
#include <QTimer>
#include <QTranslator>
#include <QTreeView>
#include <cstdio>
#include <cstring>

extern char **environ;

namespace strata::gui {

bool displayAvailable(const char *const *env, QString *why)
{
    bool platform = false, display = false;
    for (; env && *env; ++env) {
        const char *e = *env;
        auto set = [e](const char *name) {
            const size_t n = std::strlen(name);
            return std::strncmp(e, name, n) == 0 && e[n] == '=' && e[n + 1] != '\0';
        };
        platform |= set("QT_QPA_PLATFORM");
        display |= set("DISPLAY") || set("WAYLAND_DISPLAY");
    }
    if (platform || display)
        return true;
    if (why)
        *why = QStringLiteral("strata: no display available: neither DISPLAY nor WAYLAND_DISPLAY is set.\n"
                              "Run strata in a graphical session, or use stratactl on a terminal "
                              "(stratactl inspect, tree, whiteouts, index).\n"
                              "For a check without a display: strata --self-test (or QT_QPA_PLATFORM=offscreen).");
    return false;
}

static void installTranslations(QApplication &app)
{
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    auto *ours = new QTranslator(&app);
    if (ours->load(QLocale(), QStringLiteral("strata"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(ours);
}

void setupApplication(QApplication &app)
{
    QCoreApplication::setApplicationName(QStringLiteral("strata"));
    QCoreApplication::setOrganizationName(QStringLiteral("strata"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("strata.github.io"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STRATA_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Strata"));
    QGuiApplication::setDesktopFileName(QStringLiteral(STRATA_ID));
    // The platform theme picks the icon theme; without one (offscreen, bare X11)
    // Breeze when installed, and our bundled theme (PNGs rendered from our SVGs,
    // one directory per size, so HiDPI gets real pixels) for any name still
    // missing. Breeze is SVG: without Qt's SVG image plugin its icons would be found
    // but blank, so then only the bundled theme is used.
    static const QString bundled = QStringLiteral("strata-fallback");
    if (!QIcon::themeSearchPaths().contains(QStringLiteral(":/icons")))
        QIcon::setThemeSearchPaths(QIcon::themeSearchPaths() << QStringLiteral(":/icons"));
    QIcon::setFallbackThemeName(bundled);
    const bool svg = QImageReader::supportedImageFormats().contains("svg");
    if (!svg)
        QIcon::setThemeName(bundled);
    else if (QIcon::themeName().isEmpty() || QIcon::themeName() == QLatin1String("hicolor"))
        if (QDir(QStringLiteral("/usr/share/icons/breeze")).exists())
            QIcon::setThemeName(QStringLiteral("breeze"));
    QGuiApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral(STRATA_ID), QIcon(QStringLiteral(":/icons/" STRATA_ID ".png"))));
    installTranslations(app);
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer tick; // wakes processEvents so the predicate is checked
    tick.start(10);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

int runSelfTest(MainWindow &w)
{
    auto fail = [](const char *what) {
        std::fprintf(stderr, "strata self-test: FAILED: %s\n", what);
        return 1;
    };
    bool opened = false, failed = false;
    QObject::connect(&w, &MainWindow::stackOpened, &w, [&]() { opened = true; });
    QObject::connect(&w, &MainWindow::openFailed, &w, [&](const QString &why) {
        failed = true;
        std::fprintf(stderr, "strata self-test: %s\n", qPrintable(why));
    });
    w.openDemo();
    if (!waitUntil([&]() { return opened || failed; }, 30000) || failed)
        return fail("the demo stack did not open");
    TreePanel *tree = w.treePanel();
    auto *model = tree->model();
    if (!waitUntil([&]() { return model->pendingFetches() == 0 && model->rowCount() > 0; }, 30000))
        return fail("the root directory was not listed");
    QAbstractItemModel *view = tree->view()->model();
    QModelIndex dir;
    for (int r = 0; r < view->rowCount() && !dir.isValid(); ++r)
        if (view->hasChildren(view->index(r, 0)))
            dir = view->index(r, 0);
    if (!dir.isValid())
        return fail("no directory at the root of the demo stack");
    tree->view()->expand(dir);
    if (!waitUntil([&]() { return model->pendingFetches() == 0 && view->rowCount(dir) > 0; }, 30000))
        return fail("expanding a directory listed nothing");
    tree->view()->setCurrentIndex(view->index(0, 0, dir));
    if (w.detailsPane()->sections().isEmpty())
        return fail("selecting an entry showed no details");
    std::printf("strata self-test: ok: demo stack with %d layers, %d entries at the root, %d in %s\n",
                int(w.currentStack()->layers().size()), view->rowCount(), view->rowCount(dir),
                qPrintable(dir.data().toString()));
    return 0;
}

static bool hasArg(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], name) == 0 || std::strncmp(argv[i], name, std::strlen(name)) == 0)
            return true;
    return false;
}

int runApplication(int argc, char **argv)
{
    const bool headless = hasArg(argc, argv, "--self-test") || hasArg(argc, argv, "--screenshots")
        || hasArg(argc, argv, "--help") || hasArg(argc, argv, "-h") || hasArg(argc, argv, "--version");
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QString why;
    if (!headless && !displayAvailable(environ, &why)) {
        std::fprintf(stderr, "%s\n", qPrintable(why));
        return 2;
    }

    QApplication app(argc, argv);
    setupApplication(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Inspect and manage layered (overlayfs) mounts."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("target"),
                                 QApplication::translate("main",
                                                         "A mount point, a stack file, or a directory holding "
                                                         "upper/ and lower*/ layers."),
                                 QStringLiteral("[MOUNTPOINT|STACKFILE]"));
    QCommandLineOption selfTest(
        QStringLiteral("self-test"),
        QApplication::translate("main", "Open the demo stack offscreen, expand, select, exit."));
    QCommandLineOption demo(QStringLiteral("demo"), QApplication::translate("main", "Open the demo stack."));
    QCommandLineOption shots(QStringLiteral("screenshots"),
                             QApplication::translate("main", "Write PNGs of the main states into DIR and exit."),
                             QStringLiteral("DIR"));
    parser.addOption(selfTest);
    parser.addOption(demo);
    parser.addOption(shots);
    parser.process(app);

    app::UserMounter mounter;
    app::HelperMounter helper;
    MainWindow window(&mounter);
    window.assemblyPanel()->setPrivilegedMounter(&helper);
    if (parser.isSet(selfTest)) {
        window.show();
        return runSelfTest(window);
    }
    if (parser.isSet(shots))
        return writeScreenshots(window, parser.value(shots));

    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openTarget(args.first());
    else if (parser.isSet(demo))
        window.openDemo();
    return app.exec();
}

} // namespace strata::gui
