// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: real kernel overlayfs writes the layers, core/ovl decodes what it
// wrote. Layers live on a private tmpfs so the test does not depend on the
// filesystem under $TMPDIR (it needs xattrs, file handles and a uuid).
#include "kerneloverlay.h"
#include "ovl/filehandle.h"
#include "ovl/whiteout.h"
#include "ovl/workdir.h"
#include "ovl/xattrs.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/hex.h"
#include "util/uniquefd.h"

#include <QTest>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::ovl;
using strata::test::KernelOverlay;

namespace {

void mkdirs(const std::string &base, std::initializer_list<const char *> dirs)
{
    for (const char *d : dirs)
        ::mkdir((base + "/" + d).c_str(), 0755);
}

void writeFile(const std::string &path, const std::string &content = "data")
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!::write(fd, content.data(), content.size());
        ::close(fd);
    }
}

UniqueFd openDir(const std::string &path)
{
    return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

std::vector<std::string> listNames(const std::string &path)
{
    std::vector<std::string> out;
    if (DIR *d = ::opendir(path.c_str())) {
        while (const dirent *e = ::readdir(d))
            if (std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..")
                out.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool contains(const std::vector<std::string> &v, const std::string &s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

QByteArray qb(const std::vector<uint8_t> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), static_cast<int>(v.size()));
}

} // namespace

class TestOvlKernel : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;

    // A fresh tmpfs with lower/ upper/ work/ merged/ (and l1 l2 l3) for each test.
    void freshLayers()
    {
        m_tmp = std::make_unique<test::TempDir>("strata-ovlk");
        m_base = m_tmp->path();
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        mkdirs(m_base, {"lower", "upper", "work", "merged", "l1", "l2", "l3"});
    }
    std::string p(const std::string &rel) const { return m_base + "/" + rel; }

private slots:
    void init() { freshLayers(); }
    void cleanup() { m_tmp.reset(); } // TempDir detaches the tmpfs

    void whiteoutOnUnlink()
    {
        writeFile(p("lower/a"));
        writeFile(p("lower/b"));
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"));
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::unlink((ovl / "a").c_str()), 0);
            QCOMPARE(::unlink((ovl / "b").c_str()), 0);
        }
        struct stat a {}, b {};
        QCOMPARE(::lstat(p("upper/a").c_str(), &a), 0);
        QCOMPARE(::lstat(p("upper/b").c_str(), &b), 0);
        QVERIFY(isWhiteoutStat(a));
        QVERIFY(isWhiteoutStat(b));
        QCOMPARE(a.st_mode & 07777, 0u);
        // Shared whiteouts (dir.c ovl_whiteout): both names may be one inode.
        if (a.st_ino == b.st_ino)
            QVERIFY(a.st_nlink >= 2);
        qInfo("whiteouts: mode %o, shared inode %s, nlink %lu", a.st_mode, a.st_ino == b.st_ino ? "yes" : "no",
              static_cast<unsigned long>(a.st_nlink));
    }

    void opaqueOnRecreatedDir()
    {
        mkdirs(m_base, {"lower/d"});
        writeFile(p("lower/d/x"));
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"));
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::unlink((ovl / "d/x").c_str()), 0);
            QCOMPARE(::rmdir((ovl / "d").c_str()), 0);
            QCOMPARE(::mkdir((ovl / "d").c_str(), 0755), 0);
        }
        auto up = openDir(p("upper"));
        XattrReader d(up.get(), "d", Namespace::Trusted);
        QCOMPARE(d.raw(Attr::Opaque).value(), std::optional<std::string>("y"));
        QVERIFY(d.opaque().value() == Opaque::Yes);
    }

    void redirectOnRename()
    {
        mkdirs(m_base, {"lower/d1", "lower/s", "lower/s/d2", "lower/t"});
        writeFile(p("lower/d1/f"));
        writeFile(p("lower/s/d2/f"));
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"), {"redirect_dir=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::rename((ovl / "d1").c_str(), (ovl / "d1new").c_str()), 0);
            QCOMPARE(::rename((ovl / "s/d2").c_str(), (ovl / "t/d2").c_str()), 0);
        }
        auto up = openDir(p("upper"));
        const auto same = XattrReader(up.get(), "d1new", Namespace::Trusted).redirect();
        QVERIFY2(same, same ? "" : same.error().message().c_str());
        QVERIFY(same->has_value());
        QCOMPARE((*same)->path, std::string("d1")); // same parent: relative
        QVERIFY(!(*same)->absolute);
        const auto moved = XattrReader(up.get(), "t/d2", Namespace::Trusted).redirect();
        QVERIFY2(moved, moved ? "" : moved.error().message().c_str());
        QCOMPARE((*moved)->path, std::string("/s/d2")); // other parent: absolute
        QVERIFY((*moved)->absolute);
        // Moving a dir with an origin into t marks t impure (dir.c ovl_rename).
        QCOMPARE(XattrReader(up.get(), "t", Namespace::Trusted).impure().value(), true);
        QCOMPARE(XattrReader(up.get(), "t", Namespace::Trusted).raw(Attr::Impure).value(),
                 std::optional<std::string>("y"));
    }

    void originAndIndex()
    {
        writeFile(p("lower/f"));
        writeFile(p("lower/h1"));
        QCOMPARE(::link(p("lower/h1").c_str(), p("lower/h2").c_str()), 0);
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"), {"index=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            writeFile(ovl / "f", "changed");
            writeFile(ovl / "h1", "changed");
        }
        auto up = openDir(p("upper"));
        // Byte-identical origin: what the kernel stored vs. our encoding of the lower.
        const auto raw = XattrReader(up.get(), "f", Namespace::Trusted).raw(Attr::Origin).value();
        QVERIFY(raw.has_value());
        UniqueFd lf(::open(p("lower/f").c_str(), O_PATH | O_CLOEXEC));
        const auto mine = handleOfFd(lf.get());
        QVERIFY2(mine, mine ? "" : mine.error().message().c_str());
        QCOMPARE(qb(encodeFileHandle(*mine)), QByteArray::fromStdString(*raw));
        const auto origin = XattrReader(up.get(), "f", Namespace::Trusted).origin().value();
        QVERIFY(origin.has_value());
        struct stat st {};
        QCOMPARE(::stat(p("lower/f").c_str(), &st), 0);
        if (const auto ig = origin->inoGen())
            QCOMPARE(ig->ino, uint64_t(st.st_ino));
        qInfo("origin: type %s, %zu fid bytes, uuid null %d", origin->fidTypeName().c_str(), origin->fid.size(),
              origin->nullUuid());

        // Upper root: origin = lower root (index=on), uuid (uuid=auto on a new overlay).
        UniqueFd lroot(::open(p("lower").c_str(), O_PATH | O_CLOEXEC));
        const auto rootOrigin = XattrReader(up.get(), "", Namespace::Trusted).raw(Attr::Origin).value();
        QVERIFY(rootOrigin.has_value());
        QCOMPARE(QByteArray::fromStdString(*rootOrigin), qb(encodeFileHandle(handleOfFd(lroot.get()).value())));
        const auto uuid = XattrReader(up.get(), "", Namespace::Trusted).raw(Attr::Uuid).value();
        QVERIFY(uuid.has_value());
        QVERIFY(parseUuid(asBytes(*uuid)));
        // index/ is bound to the upper root by overlay.upper (PATH_UPPER).
        UniqueFd uroot(::open(p("upper").c_str(), O_PATH | O_CLOEXEC));
        auto work = openDir(p("work"));
        const auto idxUpper = XattrReader(work.get(), "index", Namespace::Trusted).upper().value();
        QVERIFY(idxUpper.has_value());
        QVERIFY(idxUpper->pathUpper());
        QCOMPARE(qb(encodeFileHandle(*idxUpper)), qb(encodeFileHandle(handleOfFd(uroot.get(), true).value())));

        // Hard link copied up through the index: entry name = indexName(origin).
        const auto h1 = XattrReader(up.get(), "h1", Namespace::Trusted).origin().value();
        QVERIFY(h1.has_value());
        const std::string entry = indexName(*h1);
        const auto entries = listNames(p("work/index"));
        QVERIFY2(contains(entries, entry), entry.c_str());
        QVERIFY(decodeIndexName(entry));
        struct stat ist {}, ust {}, lst {};
        QCOMPARE(::lstat(p("work/index/" + entry).c_str(), &ist), 0);
        QCOMPARE(::lstat(p("upper/h1").c_str(), &ust), 0);
        QCOMPARE(::lstat(p("lower/h1").c_str(), &lst), 0);
        QCOMPARE(ist.st_ino, ust.st_ino);
        // nlink of a partially copied-up hard link: the union count is 2 (h1, h2).
        const auto nl = XattrReader(work.get(), "index/" + entry, Namespace::Trusted).nlink().value();
        QVERIFY(nl.has_value());
        const unsigned real = nl->base == Nlink::Base::Upper ? ust.st_nlink : lst.st_nlink;
        QCOMPARE(nl->apply(real), 2u);
        qInfo("index nlink xattr: %s",
              XattrReader(work.get(), "index/" + entry, Namespace::Trusted).raw(Attr::Nlink).value()->c_str());
        // The upper root got impure from the copy-ups.
        QCOMPARE(XattrReader(up.get(), "", Namespace::Trusted).impure().value(), true);
        const auto layout = inspectWorkdir(p("work")).value();
        QVERIFY(layout.hasWork && layout.hasIndex && !layout.volatileDirty);
    }

    void metacopyOnChown()
    {
        writeFile(p("lower/m"), "payload");
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"), {"metacopy=on"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::chown((ovl / "m").c_str(), 1234, 1234), 0);
        }
        auto up = openDir(p("upper"));
        XattrReader m(up.get(), "m", Namespace::Trusted);
        const auto raw = m.raw(Attr::Metacopy).value();
        QVERIFY(raw.has_value());
        QCOMPARE(raw->size(), size_t(0)); // no verity: ovl_set_metacopy_xattr writes empty
        QVERIFY(m.metacopy().value()->legacy);
        struct stat st {};
        QCOMPARE(::lstat(p("upper/m").c_str(), &st), 0);
        QCOMPARE(st.st_uid, uid_t(1234));
        QCOMPARE(st.st_size, off_t(7)); // sparse: metadata only, size kept
        QVERIFY(m.origin().value().has_value());
    }

    void volatileMarker()
    {
        writeFile(p("lower/v"));
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"), {"volatile"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            const auto live = inspectWorkdir(p("work")).value();
            QVERIFY(live.volatileDirty);
            QCOMPARE(live.incompat, std::vector<std::string> {"volatile"});
        }
        // Left behind after umount; the kernel refuses the next mount.
        QVERIFY(inspectWorkdir(p("work")).value().volatileDirty);
        KernelOverlay again(p("merged"), {p("lower")}, p("upper"), p("work"));
        QVERIFY(!again.ok());
        qInfo("remount refused: %s", again.error().c_str());
    }

    void userxattrMount()
    {
        writeFile(p("lower/a"));
        mkdirs(m_base, {"lower/d"});
        writeFile(p("lower/d/x"));
        {
            KernelOverlay ovl(p("merged"), {p("lower")}, p("upper"), p("work"), {"userxattr"});
            QVERIFY2(ovl.ok(), ovl.error().c_str());
            QCOMPARE(::unlink((ovl / "a").c_str()), 0);
            QCOMPARE(::unlink((ovl / "d/x").c_str()), 0);
            QCOMPARE(::rmdir((ovl / "d").c_str()), 0);
            QCOMPARE(::mkdir((ovl / "d").c_str(), 0755), 0);
        }
        auto up = openDir(p("upper"));
        struct stat st {};
        QCOMPARE(::lstat(p("upper/a").c_str(), &st), 0);
        QVERIFY(isWhiteoutStat(st));
        QVERIFY(XattrReader(up.get(), "d", Namespace::User).opaque().value() == Opaque::Yes);
        QCOMPARE(XattrReader(up.get(), "d", Namespace::Trusted).raw(Attr::Opaque).value(),
                 std::optional<std::string> {});
    }

    // Layers built offline: an xattr whiteout in a middle layer dir marked opaque=x
    // hides the name below it; the same construction on the last lower layer is not
    // honoured by readdir (namei.c ovl_lookup_single never reads opaque there).
    void xattrWhiteouts()
    {
        mkdirs(m_base, {"l1/d", "l2/d", "l3/d", "l2/e", "l3/e"});
        writeFile(p("l3/d/gone"));
        writeFile(p("l3/d/keep"));
        auto l2 = openDir(p("l2"));
        QVERIFY(setOpaque(l2.get(), "d", Namespace::Trusted, Opaque::XWhiteouts));
        QVERIFY(makeXattrWhiteout(openDir(p("l2/d")).get(), "gone", Namespace::Trusted));
        auto l3 = openDir(p("l3"));
        QVERIFY(setOpaque(l3.get(), "e", Namespace::Trusted, Opaque::XWhiteouts));
        QVERIFY(makeXattrWhiteout(openDir(p("l3/e")).get(), "last", Namespace::Trusted));

        KernelOverlay ovl(p("merged"), {p("l1"), p("l2"), p("l3")});
        QVERIFY2(ovl.ok(), ovl.error().c_str());
        const auto d = listNames(ovl / "d");
        QVERIFY(contains(d, "keep"));
        QVERIFY2(!contains(d, "gone"), "an xattr whiteout in a middle layer must hide the lower name");
        struct stat st {};
        QCOMPARE(::stat((ovl / "d/gone").c_str(), &st), -1);
        QCOMPARE(errno, ENOENT);
        const auto e = listNames(ovl / "e");
        QVERIFY2(contains(e, "last"), "opaque=x on the last lower layer must not be honoured by readdir");
        // ...but lookup still treats it as a whiteout (ovl_path_is_whiteout does not
        // look at the parent's opaque=x): listed, yet stat fails.
        QCOMPARE(::stat((ovl / "e/last").c_str(), &st), -1);
        QCOMPARE(errno, ENOENT);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestOvlKernel, strata::test::requireKernelOverlay)
#include "test_ovl_kernel.moc"
