// SPDX-License-Identifier: GPL-2.0-or-later
// Mount tier: targeted checks of the inspector's facts on stacks whose layers were
// written by real kernel overlayfs mounts (layer of each entry, whiteouts and what
// they hide, opaque dirs, redirects, origins, metacopy, merged dirs, userxattr,
// fromMount vs fromSpec, data-only layers). Each test gets its own tmpfs.
#include "kerneloverlay.h"
#include "ovl/xattrs.h"
#include "stack/layerstack.h"
#include "stack/mergedtree.h"
#include "stackrecipe.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"
#include "util/uniquefd.h"

#include <QTest>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata;
using namespace strata::stack;
using strata::test::KernelOverlay;

namespace {

void writeFile(const std::string &path, const std::string &content, mode_t mode = 0644)
{
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
    if (fd >= 0) {
        (void)!::write(fd, content.data(), content.size());
        ::close(fd);
    }
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const MergedEntry *find(const Listing &l, const std::string &name)
{
    for (const auto &e : l.entries)
        if (e.name == name)
            return &e;
    return nullptr;
}

std::vector<std::string> names(const Listing &l)
{
    std::vector<std::string> out;
    for (const auto &e : l.entries)
        if (!e.isWhiteout())
            out.push_back(e.name);
    return out;
}

QByteArray q(const std::string &s)
{
    return QByteArray::fromStdString(s);
}

} // namespace

class TestStackKernel : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_tmp;
    std::string m_base;

    std::string p(const std::string &rel) const { return m_base + "/" + rel; }
    void mkdirs(std::initializer_list<const char *> dirs)
    {
        for (const char *d : dirs)
            QVERIFY2(::mkdir(p(d).c_str(), 0755) == 0, d);
    }

    // lower l1 (bottom), upper up + work wk, mounted on mnt, as the tests change it.
    std::unique_ptr<KernelOverlay> mountUpper(std::vector<std::string> options = {"redirect_dir=on"})
    {
        return std::make_unique<KernelOverlay>(p("mnt"), std::vector<std::string> {p("l1")}, p("up"), p("wk"),
                                               std::move(options));
    }
    std::shared_ptr<const LayerStack> openStack(std::vector<std::pair<std::string, std::optional<std::string>>> opts
                                                = {{"redirect_dir", "on"}})
    {
        StackSpec spec;
        spec.lower = {p("l1")};
        spec.upper = p("up");
        spec.work = p("wk");
        spec.options = std::move(opts);
        auto s = LayerStack::fromSpec(spec);
        if (!s)
            qWarning("%s", s.error().message().c_str());
        return s ? *s : nullptr;
    }
    Listing listOk(const std::shared_ptr<const LayerStack> &stack, const std::string &path, bool whiteouts = false)
    {
        MergedTree tree(stack);
        auto l = tree.list(path, ListOptions {whiteouts, true});
        if (!l) {
            qWarning("list %s: %s", path.c_str(), l.error().message().c_str());
            return {};
        }
        return *l;
    }

private slots:
    void init()
    {
        ::umask(022);
        m_tmp = std::make_unique<test::TempDir>("strata-stackk");
        m_base = m_tmp->path();
        QVERIFY(::mount("tmpfs", m_base.c_str(), "tmpfs", 0, "mode=0755") == 0);
        mkdirs({"l1", "up", "wk", "mnt", "data"});
    }
    void cleanup() { m_tmp.reset(); }

    void layerOfEachEntry()
    {
        writeFile(p("l1/a"), "lower a");
        writeFile(p("l1/b"), "lower b");
        {
            auto ovl = mountUpper();
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            writeFile(*ovl / "a", "upper a");
            writeFile(*ovl / "c", "new c");
        }
        auto stack = openStack();
        QVERIFY(stack);
        const Listing l = listOk(stack, "");
        QCOMPARE(names(l), (std::vector<std::string> {"a", "b", "c"}));
        QCOMPARE(find(l, "a")->layer, 0);
        QCOMPARE(find(l, "b")->layer, 1);
        QCOMPARE(find(l, "b")->layerPath, std::string("b"));
        QCOMPARE(find(l, "c")->layer, 0);
        QVERIFY(find(l, "c")->state & StateUpperOnly);
        QVERIFY(!(find(l, "a")->state & StateUpperOnly));
        QCOMPARE(find(l, "a")->shadowed.size(), size_t(1));
        QCOMPARE(find(l, "a")->shadowed[0].layer, 1);
        QCOMPARE(find(l, "a")->shadowed[0].kind, ShadowKind::Hidden);
    }

    void whiteoutsAndWhatTheyHide()
    {
        writeFile(p("l1/f"), "doomed");
        mkdirs({"l1/d", "l1/d/sub"});
        writeFile(p("l1/d/sub/x"), "x");
        {
            auto ovl = mountUpper();
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::unlink((*ovl / "f").c_str()), 0);
            QCOMPARE(::unlink((*ovl / "d/sub/x").c_str()), 0);
            QCOMPARE(::rmdir((*ovl / "d/sub").c_str()), 0);
            QCOMPARE(::rmdir((*ovl / "d").c_str()), 0);
        }
        auto stack = openStack();
        QVERIFY(stack);
        QVERIFY(names(listOk(stack, "")).empty());
        const Listing l = listOk(stack, "", true);
        for (const char *n : {"f", "d"}) {
            const MergedEntry *e = find(l, n);
            QVERIFY2(e, n);
            QVERIFY(e->state & StateWhiteout);
            QCOMPARE(e->layer, 0);
            QCOMPARE(e->attrs.type, FileType::CharDevice);
            QCOMPARE(e->shadowed.size(), size_t(1));
            QCOMPARE(e->shadowed[0].layer, 1);
            QCOMPARE(e->shadowed[0].kind, ShadowKind::Hidden);
            QCOMPARE(e->shadowed[0].attrs.type, std::string(n) == "f" ? FileType::Regular : FileType::Directory);
        }
        MergedTree tree(stack);
        QCOMPARE(tree.lookup("d").error().code, ENOENT);
        QVERIFY(tree.lookup("f", ListOptions {true, true}).has_value());
    }

    void opaqueAfterRmRfAndMkdir()
    {
        mkdirs({"l1/d"});
        writeFile(p("l1/d/old"), "old");
        {
            auto ovl = mountUpper();
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::unlink((*ovl / "d/old").c_str()), 0);
            QCOMPARE(::rmdir((*ovl / "d").c_str()), 0);
            QCOMPARE(::mkdir((*ovl / "d").c_str(), 0700), 0);
            writeFile(*ovl / "d/new", "new");
        }
        auto stack = openStack();
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        const MergedEntry *d = find(root, "d");
        QVERIFY(d);
        QVERIFY(d->state & StateOpaque);
        QVERIFY(!(d->state & StateMerged));
        QCOMPARE(d->dirLayers, std::vector<int> {0});
        QCOMPARE(d->attrs.mode & 07777, mode_t(0700));
        QCOMPARE(names(listOk(stack, "d")), std::vector<std::string> {"new"});
        QCOMPARE(listOk(stack, "d").stack.size(), size_t(1));
    }

    void redirectAfterRenamingALowerDir()
    {
        mkdirs({"l1/d1", "l1/s", "l1/s/d2", "l1/t"});
        writeFile(p("l1/d1/f"), "f1");
        writeFile(p("l1/s/d2/g"), "g2");
        {
            auto ovl = mountUpper();
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::rename((*ovl / "d1").c_str(), (*ovl / "moved").c_str()), 0);
            QCOMPARE(::rename((*ovl / "s/d2").c_str(), (*ovl / "t/d2").c_str()), 0);
        }
        auto stack = openStack();
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        QCOMPARE(names(root), (std::vector<std::string> {"moved", "s", "t"}));
        const MergedEntry *moved = find(root, "moved");
        QVERIFY(moved->state & StateRedirected);
        QCOMPARE(moved->redirect.value_or(""), std::string("d1")); // same parent: relative
        QCOMPARE(moved->dirLayers, (std::vector<int> {0, 1}));
        QVERIFY(moved->state & StateMerged);
        const Listing inMoved = listOk(stack, "moved");
        QCOMPARE(names(inMoved), std::vector<std::string> {"f"});
        QCOMPARE(find(inMoved, "f")->layer, 1);
        QCOMPARE(find(inMoved, "f")->layerPath, std::string("d1/f"));
        QCOMPARE(inMoved.stack.size(), size_t(2));
        QCOMPARE(inMoved.stack[1].path, std::string("d1"));

        const Listing inT = listOk(stack, "t");
        const MergedEntry *d2 = find(inT, "d2");
        QVERIFY(d2);
        QVERIFY(d2->state & StateRedirected);
        QCOMPARE(d2->redirect.value_or(""), std::string("/s/d2")); // across dirs: absolute
        QCOMPARE(d2->dirLayers, (std::vector<int> {0, 1}));
        QCOMPARE(find(listOk(stack, "t/d2"), "g")->layerPath, std::string("s/d2/g"));
        QVERIFY(names(listOk(stack, "s")).empty()); // the old name is gone (whiteout)
    }

    void copiedUpFileWithOrigin()
    {
        writeFile(p("l1/f"), "lower");
        {
            auto ovl = mountUpper({"redirect_dir=on", "index=on"});
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            const int fd = ::open((*ovl / "f").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
            QVERIFY(fd >= 0);
            QCOMPARE(::write(fd, "+", 1), ssize_t(1));
            ::close(fd);
        }
        auto stack = openStack({{"redirect_dir", "on"}, {"index", "on"}});
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        const MergedEntry *f = find(root, "f");
        QVERIFY(f);
        QCOMPARE(f->layer, 0);
        QVERIFY(f->state & StateCopiedUp);
        QVERIFY(f->origin.has_value());
        QCOMPARE(originStatusName(f->origin->status), originStatusName(OriginInfo::Status::ResolvedByHandle));
        QCOMPARE(f->origin->layer, 1);
        QCOMPARE(f->origin->path, std::string("f"));
        QCOMPARE(f->attrs.size, off_t(6));
    }

    // index=on keeps lower hard links together: writing one alias shows through the
    // other (namei.c ovl_lookup_index), even once the written alias is unlinked.
    void indexKeepsLowerHardLinks()
    {
        writeFile(p("l1/f"), "lower");
        QCOMPARE(::link(p("l1/f").c_str(), p("l1/g").c_str()), 0);
        writeFile(p("l1/h"), "other");
        QCOMPARE(::link(p("l1/h").c_str(), p("l1/k").c_str()), 0);
        {
            auto ovl = mountUpper({"redirect_dir=on", "index=on"});
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            writeFile(*ovl / "g", "written through g");
            writeFile(*ovl / "k", "written through k");
            QCOMPARE(::unlink((*ovl / "k").c_str()), 0);
        }
        auto stack = openStack({{"redirect_dir", "on"}, {"index", "on"}});
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        QCOMPARE(names(root), (std::vector<std::string> {"f", "g", "h"}));
        const MergedEntry *f = find(root, "f");
        QCOMPARE(f->layer, 0);
        QCOMPARE(f->layerPath, std::string("g")); // the upper alias of the index inode
        QVERIFY(f->state & StateCopiedUp);
        QCOMPARE(f->attrs.size, off_t(17));
        const MergedEntry *h = find(root, "h");
        QCOMPARE(h->layer, 0);
        QVERIFY(h->layerPath.starts_with("../wk/index/")); // no upper alias left
        auto ovl = mountUpper({"redirect_dir=on", "index=on"});
        QVERIFY2(ovl->ok(), ovl->error().c_str());
        QCOMPARE(q(readFile(*ovl / "f")), q("written through g"));
        QCOMPARE(q(readFile(*ovl / "h")), q(readFile(p("up/" + h->layerPath))));
    }

    // A dir in one layer only, without origin, is not a merge dir: the kernel's
    // readdir lists a whiteout in it, and only the lookup finds it deleted.
    void whiteoutInANonMergeDir()
    {
        mkdirs({"l1/d", "up/pure"});
        writeFile(p("up/pure/kept"), "kept");
        QCOMPARE(::mknod(p("up/pure/gone").c_str(), S_IFCHR, 0), 0);
        auto stack = openStack();
        QVERIFY(stack);
        const Listing pure = listOk(stack, "pure");
        QCOMPARE(names(pure), (std::vector<std::string> {"gone", "kept"}));
        QVERIFY(!find(pure, "gone")->problems.empty());
        QCOMPARE(find(pure, "gone")->problems.front().code, ENOENT);
        auto ovl = mountUpper();
        QVERIFY2(ovl->ok(), ovl->error().c_str());
        std::string err;
        const test::View kernel = test::kernelView(p("mnt"), err);
        QVERIFY(kernel.contains("pure/gone"));
        QVERIFY(kernel.at("pure/gone").starts_with("ERR-lstat"));
    }

    void metacopyChown()
    {
        writeFile(p("l1/g"), "data in the lower layer");
        {
            auto ovl = mountUpper({"redirect_dir=on", "metacopy=on"});
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::chown((*ovl / "g").c_str(), 1000, 1000), 0);
        }
        auto stack = openStack({{"redirect_dir", "on"}, {"metacopy", "on"}});
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        const MergedEntry *g = find(root, "g");
        QVERIFY(g);
        QCOMPARE(g->layer, 0);
        QVERIFY(g->state & StateMetacopy);
        QVERIFY(g->state & StateCopiedUp);
        QCOMPARE(g->attrs.uid, uid_t(1000));
        QCOMPARE(g->attrs.size, off_t(23));
        QVERIFY(g->data.has_value());
        QCOMPARE(g->data->layer, 1);
        QCOMPARE(g->data->path, std::string("g"));
        // The data the kernel serves is the data file's.
        auto ovl = mountUpper({"redirect_dir=on", "metacopy=on"});
        QVERIFY2(ovl->ok(), ovl->error().c_str());
        QCOMPARE(q(readFile(*ovl / "g")), q(readFile(p("l1/" + g->data->path))));
    }

    void mergedDirs()
    {
        mkdirs({"l1/m", "l1/only"});
        writeFile(p("l1/m/a"), "a");
        {
            auto ovl = mountUpper();
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            writeFile(*ovl / "m/b", "b");
        }
        auto stack = openStack();
        QVERIFY(stack);
        const Listing root = listOk(stack, "");
        const MergedEntry *m = find(root, "m");
        QVERIFY(m->state & StateMerged);
        QCOMPARE(m->dirLayers, (std::vector<int> {0, 1}));
        QCOMPARE(m->layer, 0);
        const MergedEntry *only = find(root, "only");
        QVERIFY(!(only->state & StateMerged));
        QCOMPARE(only->dirLayers, std::vector<int> {1});
        const Listing inM = listOk(stack, "m");
        QCOMPARE(names(inM), (std::vector<std::string> {"a", "b"}));
        QCOMPARE(find(inM, "a")->layer, 1);
        QCOMPARE(find(inM, "b")->layer, 0);
    }

    void userxattrNamespaceIsDetected()
    {
        mkdirs({"l1/d"});
        writeFile(p("l1/d/x"), "x");
        writeFile(p("l1/gone"), "gone");
        {
            auto ovl = mountUpper({"userxattr"});
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::unlink((*ovl / "d/x").c_str()), 0);
            QCOMPARE(::rmdir((*ovl / "d").c_str()), 0);
            QCOMPARE(::mkdir((*ovl / "d").c_str(), 0755), 0);
            QCOMPARE(::unlink((*ovl / "gone").c_str()), 0);
        }
        {
            UniqueFd up(::open(p("up").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            ovl::XattrReader d(up.get(), "d", ovl::Namespace::User);
            QVERIFY(d.opaque().value().has_value()); // the kernel wrote user.overlay.opaque
        }
        // No namespace and no options: detected from the layers.
        auto stack = openStack({});
        QVERIFY(stack);
        QCOMPARE(stack->xattrNamespace(), ovl::Namespace::User);
        const Listing root = listOk(stack, "");
        QCOMPARE(names(root), std::vector<std::string> {"d"});
        QVERIFY(find(root, "d")->state & StateOpaque);
        QVERIFY(names(listOk(stack, "d")).empty());
    }

    void fromMountEqualsFromSpec()
    {
        mkdirs({"l1/d", "l1/e"});
        writeFile(p("l1/d/a"), "a");
        writeFile(p("l1/e/b"), "b");
        {
            auto ovl = mountUpper({"redirect_dir=on", "index=on"});
            QVERIFY2(ovl->ok(), ovl->error().c_str());
            QCOMPARE(::rename((*ovl / "d").c_str(), (*ovl / "d2").c_str()), 0);
            writeFile(*ovl / "e/b", "bb");
            QCOMPARE(::unlink((*ovl / "d2/a").c_str()), 0);
        }
        auto spec = openStack({{"redirect_dir", "on"}, {"index", "on"}});
        QVERIFY(spec);
        auto ovl = mountUpper({"redirect_dir=on", "index=on"});
        QVERIFY2(ovl->ok(), ovl->error().c_str());
        auto live = LayerStack::fromMount(p("mnt"));
        QVERIFY2(live.has_value(), live ? "" : live.error().message().c_str());
        QCOMPARE((*live)->layers().size(), spec->layers().size());
        for (size_t i = 0; i < spec->layers().size(); ++i) {
            QCOMPARE((*live)->layers()[i].path, spec->layers()[i].path);
            QCOMPARE((*live)->layers()[i].role, spec->layers()[i].role);
            QCOMPARE((*live)->layers()[i].rootIno, spec->layers()[i].rootIno);
        }
        QCOMPARE((*live)->workdir().value_or(""), p("wk"));
        QCOMPARE((*live)->xattrNamespace(), spec->xattrNamespace());
        std::string e1, e2;
        const test::View a = test::inspectorView(**live, e1);
        const test::View b = test::inspectorView(*spec, e2);
        QVERIFY2(e1.empty() && e2.empty(), (e1 + e2).c_str());
        const auto diffs = test::diffViews(a, b);
        for (const auto &d : diffs)
            qWarning("fromMount vs fromSpec: %s", d.c_str());
        QVERIFY(diffs.empty());
        // And both equal what the live mount shows.
        std::string e3;
        const test::View kernel = test::kernelView(p("mnt"), e3);
        QVERIFY(test::diffViews(kernel, a).empty());
    }

    // composefs-style: a metadata layer of metacopy files with absolute redirects
    // into a data-only layer (lowerdir=meta::data), written offline by core/ovl.
    void dataOnlyLayer()
    {
        mkdirs({"data/objects", "data/objects/ab", "l1/bin"});
        const std::string payload = "the real bytes live in the data-only layer\n";
        writeFile(p("data/objects/ab/cdef0123"), payload);
        writeFile(p("data/objects/ab/decoy"), "not this one");
        // The metadata file: the right size, no data (sparse), metacopy + redirect.
        {
            const int fd = ::open(p("l1/bin/tool").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
            QVERIFY(fd >= 0);
            QCOMPARE(::ftruncate(fd, static_cast<off_t>(payload.size())), 0);
            ::close(fd);
            UniqueFd dir(::open(p("l1/bin").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            QVERIFY(ovl::setMetacopy(dir.get(), "tool", ovl::Namespace::Trusted, nullptr).has_value());
            QVERIFY(ovl::setRedirect(dir.get(), "tool", ovl::Namespace::Trusted, "/objects/ab/cdef0123").has_value());
        }
        writeFile(p("l1/plain"), "plain");

        StackSpec spec;
        spec.lower = {p("l1")};
        spec.data = {p("data")};
        auto stack = LayerStack::fromSpec(spec);
        QVERIFY2(stack.has_value(), stack ? "" : stack.error().message().c_str());
        QCOMPARE((*stack)->mergedLayerCount(), size_t(1));
        QCOMPARE(names(listOk(*stack, "")), (std::vector<std::string> {"bin", "plain"})); // data layer not merged
        const Listing bin = listOk(*stack, "bin");
        const MergedEntry *tool = find(bin, "tool");
        QVERIFY(tool);
        QVERIFY(tool->state & StateMetacopy);
        QVERIFY(tool->state & StateRedirected);
        QVERIFY(tool->data.has_value());
        QCOMPARE(tool->data->layer, 1);
        QCOMPARE(tool->data->path, std::string("objects/ab/cdef0123"));

        // The kernel, mounted the composefs way.
        const std::string opts = "lowerdir=" + p("l1") + "::" + p("data") + ",redirect_dir=on,metacopy=on";
        QVERIFY2(::mount("overlay", p("mnt").c_str(), "overlay", MS_RDONLY, opts.c_str()) == 0,
                 (opts + ": " + std::strerror(errno)).c_str());
        const std::string viaKernel = readFile(p("mnt/bin/tool"));
        const std::string viaInspector = readFile(p("data/" + tool->data->path));
        auto live = LayerStack::fromMount(p("mnt"));
        ::umount2(p("mnt").c_str(), MNT_DETACH);
        QCOMPARE(q(viaKernel), q(payload));
        QCOMPARE(q(viaInspector), q(viaKernel));
        // fromMount understands "::" as well.
        QVERIFY2(live.has_value(), live ? "" : live.error().message().c_str());
        QCOMPARE((*live)->layers().size(), size_t(2));
        QCOMPARE((*live)->layers()[1].role, Role::DataOnly);
        QCOMPARE((*live)->mergedLayerCount(), size_t(1));
    }
};

STRATA_TEST_MAIN_REQUIRES(TestStackKernel, strata::test::requireKernelOverlay)

#include "test_stack_kernel.moc"
