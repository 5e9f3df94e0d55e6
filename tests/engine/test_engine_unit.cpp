// SPDX-License-Identifier: GPL-2.0-or-later
// The engine's core without a mount: option parsing (strata_engineconfig), the
// merge rules as the engine applies them to real layer directories (lookup,
// listing, lowerPositive), the inode table and the fd budget. The layers are
// plain directories with user.overlay.* xattrs (userxattr), so any user can run
// it; a filesystem under $TMPDIR without user xattrs skips the layer cases.
#include "engine/fdbudget.h"
#include "engine/fs.h"
#include "engine/layers.h"
#include "engine/ops.h"
#include "engine/resolve.h"
#include "engine/validate.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
using namespace strata::engine;

namespace {

Result<Config> parse(std::vector<std::string> args)
{
    args.insert(args.begin(), "strata-fuse");
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    return parseArgs(static_cast<int>(argv.size()), argv.data());
}

void writeFile(const std::string &path, const std::string &text = {})
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    QVERIFY2(fd >= 0, path.c_str());
    QCOMPARE(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
}

void setXattr(const std::string &path, const char *name, const std::string &value)
{
    QVERIFY2(::lsetxattr(path.c_str(), name, value.data(), value.size(), 0) == 0, (path + " " + name).c_str());
}

// lower/, upper/, work/ under a temp dir, opened as strata-fuse opens them at mount.
struct Union {
    test::TempDir dir {"strata-engine-unit"};
    Fs f;

    Union()
    {
        for (const char *d : {"lower", "upper", "work"})
            ::mkdir((dir / d).c_str(), 0755);
    }
    // Opens the layers (after the test has filled them) and sets up the root.
    bool open()
    {
        f.config.lowerdirs = {dir / "lower"};
        f.config.upperdir = dir / "upper";
        f.config.workdir = dir / "work";
        f.config.userxattr = true;
        auto l = openLayers(f.config);
        if (!l) {
            qWarning("%s", l.error().message().c_str());
            return false;
        }
        f.layers = std::move(*l);
        return static_cast<bool>(initRoot(f));
    }
    // The inode the kernel would get for parent/name (one lookup reference), or null.
    Inode *lookup(Inode &parent, const std::string &name)
    {
        auto r = resolveChild(f, parent, name);
        if (!r || !r->inode)
            return nullptr;
        return &internInode(f, std::move(r->inode));
    }
    std::vector<std::string> names(const Inode &d, bool listing = true)
    {
        std::vector<std::string> out;
        auto e = mergedEntries(f, d, false, nullptr, listing);
        if (e)
            for (auto &x : *e)
                out.push_back(x.name);
        std::sort(out.begin(), out.end());
        return out;
    }
};

// Whether $TMPDIR takes user.* xattrs (tmpfs before 6.6 does not).
std::string userXattrsHere()
{
    test::TempDir d {"strata-engine-unit-probe"};
    if (::setxattr(d.path().c_str(), "user.overlay.probe", "y", 1, 0) != 0)
        return "the filesystem under $TMPDIR refuses user.* xattrs (" + std::string(strerror(errno))
            + "): the layer cases need user.overlay.* markers";
    return {};
}

} // namespace

class TestEngineUnit : public QObject {
    Q_OBJECT
private:
    std::string m_noXattrs;

private Q_SLOTS:
    void initTestCase() { m_noXattrs = userXattrsHere(); }

    // ---- option parsing (strata_engineconfig) ----
    void parsesLayersAndDataLayers()
    {
        auto c = parse({"-o", "lowerdir=/a:/b::/d1::/d2,upperdir=/u,workdir=/w,userxattr", "/mnt"});
        QVERIFY2(c, c ? "" : c.error().message().c_str());
        QCOMPARE(c->lowerdirs, (std::vector<std::string> {"/a", "/b"}));
        QCOMPARE(c->datadirs, (std::vector<std::string> {"/d1", "/d2"}));
        QCOMPARE(c->upperdir, std::string("/u"));
        QCOMPARE(c->mountpoint, std::string("/mnt"));
        QVERIFY(c->userxattr);
        QVERIFY(!c->readOnly());
    }

    void refusesBadOptionsByName_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown") << "lowerdir=/a,frobnicate" << "-o frobnicate" << "unknown option";
        QTest::newRow("value missing") << "lowerdir=/a,upperdir" << "-o upperdir" << "needs a value";
        QTest::newRow("bad passthrough") << "lowerdir=/a,passthrough=maybe" << "-o passthrough=maybe" << "auto, on";
        QTest::newRow("redirect off") << "lowerdir=/a,redirect_dir=off" << "-o redirect_dir=off" << "redirect_dir=on";
        QTest::newRow("userxattr metacopy") << "lowerdir=/a,userxattr,metacopy=on" << "-o metacopy=on" << "userxattr";
        QTest::newRow("no lower") << "upperdir=/u,workdir=/w" << "lowerdir=" << "at least one";
    }
    void refusesBadOptionsByName()
    {
        QFETCH(QString, option);
        QFETCH(QString, subject);
        QFETCH(QString, reason);
        auto c = parse({"-o", option.toStdString(), "/mnt"});
        QVERIFY(!c);
        QCOMPARE(QString::fromStdString(c.error().subject), subject);
        QVERIFY2(QString::fromStdString(c.error().reason).contains(reason), c.error().message().c_str());
        QCOMPARE(c.error().code, EINVAL);
    }

    void refusesMissingMountPoint()
    {
        auto c = parse({"-o", "lowerdir=/a"});
        QVERIFY(!c);
        QVERIFY(c.error().reason.find("no mount point") != std::string::npos);
    }

    void validateNamesTheMissingLayer()
    {
        test::TempDir d {"strata-engine-unit"};
        ::mkdir((d / "l").c_str(), 0755);
        Config c;
        c.lowerdirs = {d / "l", d / "gone"};
        c.mountpoint = d / "l";
        auto r = validate(c);
        QVERIFY(!r);
        QVERIFY2(r.error().message().find("gone") != std::string::npos, r.error().message().c_str());
    }

    // ---- the merge rules as the engine applies them ----
    void xattrWhiteoutInLowerHidesTheName()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        writeFile(u.dir / "lower/gone");
        setXattr(u.dir / "lower/gone", "user.overlay.whiteout", "");
        writeFile(u.dir / "lower/kept", "data");
        QVERIFY(u.open());
        QVERIFY(!u.lookup(u.f.root, "gone")); // ovl::lookupSeesWhiteout in any layer
        Inode *kept = u.lookup(u.f.root, "kept");
        QVERIFY(kept);
        QVERIFY(!kept->upper.valid());
        QCOMPARE(kept->lowers.size(), size_t(1));
        QVERIFY(!lowerPositive(u.f, u.f.root, "gone"));
        QVERIFY(lowerPositive(u.f, u.f.root, "kept"));
        // The kernel's readdir still lists it: outside an opaque=x dir of a lower
        // that is not the last, an xattr whiteout is only hidden from lookup
        // (ovl::readdirHides; mergerules.table "pos=l2 kind=xw op=- below=none").
        QCOMPARE(u.names(u.f.root), (std::vector<std::string> {"gone", "kept"}));
    }

    void opaqueUpperDirHidesTheLower()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        ::mkdir((u.dir / "lower/d").c_str(), 0755);
        writeFile(u.dir / "lower/d/below");
        ::mkdir((u.dir / "upper/d").c_str(), 0755);
        writeFile(u.dir / "upper/d/above");
        QVERIFY(u.open());
        Inode *merged = u.lookup(u.f.root, "d");
        QVERIFY(merged);
        QVERIFY(merged->merged());
        QCOMPARE(u.names(*merged), (std::vector<std::string> {"above", "below"}));

        Union v;
        ::mkdir((v.dir / "lower/d").c_str(), 0755);
        writeFile(v.dir / "lower/d/below");
        ::mkdir((v.dir / "upper/d").c_str(), 0755);
        setXattr(v.dir / "upper/d", "user.overlay.opaque", "y");
        QVERIFY(v.open());
        Inode *opaque = v.lookup(v.f.root, "d");
        QVERIFY(opaque);
        QVERIFY(opaque->opaque);
        QVERIFY(!opaque->merged());
        QVERIFY(opaque->lowers.empty());
        QVERIFY(v.names(*opaque).empty());
    }

    void layerFactsAreFixedAtMount()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        QVERIFY(u.open());
        // One filesystem under $TMPDIR: ovl_same_dev() holds.
        QVERIFY(u.f.layers.sameDev);
        QCOMPARE(u.f.layers.lowerXWhiteouts.size(), size_t(1));
        // The last lower's opaque=x never counts (ovl_get_root).
        QVERIFY(!u.f.layers.lowerXWhiteouts[0]);
    }

    // ---- the inode table ----
    void internFindsTheKnownInode()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        writeFile(u.dir / "upper/f");
        QVERIFY(u.open());
        Inode *a = u.lookup(u.f.root, "f");
        Inode *b = u.lookup(u.f.root, "f");
        QVERIFY(a);
        QCOMPARE(a, b); // one identity, one inode
        QCOMPARE(a->nlookup, uint64_t(2));
        QCOMPARE(u.f.root.childRefs, uint64_t(1));
        QCOMPARE(findInode(u.f, a->keyDev, a->keyIno), a);
        QCOMPARE(checkedInode(u.f, u.f.nodeId(*a)), a);
        QCOMPARE(checkedInode(u.f, FUSE_ROOT_ID), &u.f.root);
        forgetInode(u.f, *a, 1);
        QCOMPARE(findInode(u.f, b->keyDev, b->keyIno), b);
        const dev_t dev = b->keyDev;
        const ino_t ino = b->keyIno;
        forgetInode(u.f, *b, 1); // the last reference frees it
        QVERIFY(!findInode(u.f, dev, ino));
        QCOMPARE(u.f.root.childRefs, uint64_t(0));
        QVERIFY(u.f.inodes.empty());
    }

    void checkedInodeRefusesStrayIds()
    {
        Fs f;
        QVERIFY(!checkedInode(f, 0));
        QVERIFY(!checkedInode(f, 3)); // misaligned: never an Inode's address
        auto dead = std::make_unique<Inode>();
        const auto id = reinterpret_cast<fuse_ino_t>(dead.get());
        QCOMPARE(checkedInode(f, id), dead.get());
        // A freed inode's mark is gone; read it through storage that outlives the
        // object, as a stale id would.
        alignas(Inode) unsigned char storage[sizeof(Inode)];
        auto *in = new (storage) Inode();
        QCOMPARE(checkedInode(f, reinterpret_cast<fuse_ino_t>(in)), in);
        in->~Inode();
        QVERIFY(!checkedInode(f, reinterpret_cast<fuse_ino_t>(storage)));
    }

    void unhashAndRekey()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        writeFile(u.dir / "upper/f");
        writeFile(u.dir / "upper/g");
        QVERIFY(u.open());
        Inode *f = u.lookup(u.f.root, "f");
        Inode *g = u.lookup(u.f.root, "g");
        QVERIFY(f && g);
        unhashInode(u.f, *f); // its name is gone; it lives until forgotten
        QVERIFY(!f->hashed);
        QVERIFY(!findInode(u.f, f->keyDev, f->keyIno));
        // Rekeyed onto a key that is taken: it leaves the table rather than replace.
        rekeyInode(u.f, *g, g->keyDev, g->keyIno + 1000000);
        QCOMPARE(findInode(u.f, g->keyDev, g->keyIno), g);
        forgetInode(u.f, *f, 1);
        forgetInode(u.f, *g, 1);
        QVERIFY(u.f.inodes.empty());
    }

    // ---- the fd budget ----
    void idleFdsAreEvictedAndReopened()
    {
        if (!m_noXattrs.empty())
            QSKIP(m_noXattrs.c_str());
        Union u;
        for (int k = 0; k < 8; ++k)
            writeFile(u.dir / ("upper/f" + std::to_string(k)), "x");
        QVERIFY(u.open());
        std::vector<Inode *> files;
        for (int k = 0; k < 8; ++k)
            files.push_back(u.lookup(u.f.root, "f" + std::to_string(k)));
        QCOMPARE(u.f.heldFds.load(), size_t(8));
        u.f.fdBudget = 4;
        {
            auto g = lockTreeForChange(u.f); // past the budget: evicts to 3/4 of it
        }
        QVERIFY(u.f.heldFds.load() <= 3);
        // Least recently used first: the first looked up went first.
        QVERIFY(files.front()->evicted);
        QVERIFY(!files.front()->upper.valid());
        QVERIFY(!files.back()->evicted);
        {
            std::shared_lock g(u.f.tree);
            QCOMPARE(ensureFds(u.f, *files.front()), 0);
        }
        QVERIFY(!files.front()->evicted);
        QVERIFY(files.front()->upper.valid());

        // An evicted inode whose name now holds another object is stale (an
        // object of its own, so its inode number cannot be the old one reused).
        Inode *victim = files[1];
        QVERIFY(victim->evicted);
        writeFile(u.dir / "upper/spare", "another");
        QCOMPARE(::rename((u.dir / "upper/spare").c_str(), (u.dir / ("upper/" + victim->name)).c_str()), 0);
        std::shared_lock g(u.f.tree);
        QCOMPARE(ensureFds(u.f, *victim), ESTALE);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestEngineUnit, strata::test::requireNothing)

#include "test_engine_unit.moc"
