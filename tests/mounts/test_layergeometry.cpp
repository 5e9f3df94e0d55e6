// SPDX-License-Identifier: GPL-2.0-or-later
// Layer geometry: the same directory under two spellings, nesting, and where the
// walk stops (one filesystem, or across mounts), as the preflight, the helper and
// the engine rely on.
#include "mounts/layergeometry.h"
#include "tempdir.h"
#include "testdirs.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"

#include <QTest>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::mounts;
using strata::UniqueFd;
using strata::test::dirIn;
using strata::test::TempDir;

namespace {

PlacedDir place(const std::string &path, Walk walk = Walk::AcrossMounts)
{
    UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    return {fd ? ancestryOf(fd.get(), walk) : std::vector<DirId> {}, 0};
}

DirId idOf(const std::string &path)
{
    struct stat st {};
    ::stat(path.c_str(), &st);
    return {st.st_dev, st.st_ino};
}

} // namespace

class TestLayerGeometry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ancestryReachesTheRoot()
    {
        TempDir t("strata-geometry");
        const std::string deep = dirIn(t.path(), "a") + "/b";
        ::mkdir(deep.c_str(), 0755);
        const auto chain = place(deep).chain;
        QVERIFY(chain.size() >= 3);
        QCOMPARE(chain.front(), idOf(deep));
        QCOMPARE(chain[1], idOf(t / "a"));
        QCOMPARE(chain.back(), idOf("/"));
        QVERIFY(isAtOrBelow(chain, idOf(t.path())));
        QVERIFY(!isAtOrBelow(place(t / "a").chain, idOf(deep)));
    }

    void overlapsNamedOnceInOrder()
    {
        TempDir t("strata-geometry");
        dirIn(t.path(), "l1");
        dirIn(t.path(), "l1/inner");
        dirIn(t.path(), "other");
        // a symbolic link is another spelling of the same directory
        QCOMPARE(::symlink((t / "other").c_str(), (t / "link").c_str()), 0);
        const std::vector<PlacedDir> dirs {place(t / "l1"), place(t / "l1/inner"), place(t / "other"),
                                           place(t / "link")};
        const auto o = overlapsOf(dirs);
        QCOMPARE(o.size(), size_t(2));
        QCOMPARE(o[0].inner, size_t(1));
        QCOMPARE(o[0].outer, size_t(0));
        QVERIFY(!o[0].same);
        QCOMPARE(o[1].inner, size_t(3)); // the same directory: the later one is inner
        QCOMPARE(o[1].outer, size_t(2));
        QVERIFY(o[1].same);
        QVERIFY(overlapsOf({place(t / "l1/inner"), place(t / "other")}).empty());
    }

    // A filesystem mounted inside a layer: the kernel's view (one filesystem) sees
    // no overlap, the stricter one (across mounts) does.
    void walkStopsAtTheFilesystemOrNot()
    {
        if (const std::string why = strata::test::requireRoot(); !why.empty())
            QSKIP(why.c_str());
        TempDir t("strata-geometry");
        const std::string outer = dirIn(t.path(), "outer");
        const std::string mnt = dirIn(t.path(), "outer/mnt");
        if (::mount("strata-geometry", mnt.c_str(), "tmpfs", 0, "size=1m") != 0)
            QSKIP("cannot mount a tmpfs here");
        const std::string inner = mnt + "/layer";
        ::mkdir(inner.c_str(), 0755);
        const bool kernelView
            = !overlapsOf({place(outer, Walk::SameFilesystem), place(inner, Walk::SameFilesystem)}).empty();
        const bool strictView
            = !overlapsOf({place(outer, Walk::AcrossMounts), place(inner, Walk::AcrossMounts)}).empty();
        const auto sameFs = place(inner, Walk::SameFilesystem).chain;
        ::umount2(mnt.c_str(), MNT_DETACH);
        QVERIFY(!kernelView);
        QVERIFY(strictView);
        QCOMPARE(sameFs.size(), size_t(2)); // layer, the tmpfs root: then the device changes
    }

    void unreadableDirectoryHasNoChain()
    {
        QVERIFY(ancestryOf(-1, Walk::AcrossMounts).empty());
        QVERIFY(overlapsOf({PlacedDir {}, PlacedDir {}}).empty());
    }
};

STRATA_TEST_MAIN_REQUIRES(TestLayerGeometry, strata::test::requireNothing)
#include "test_layergeometry.moc"
