// SPDX-License-Identifier: GPL-2.0-or-later
// The helper acts on what it checked: a layer path swapped for a symbolic link
// after validation changes nothing, because the mount uses the held fds. Also the
// mount records and unmounting by fd. Root, real kernel overlayfs.
#include "helperprotocol.h"
#include "rules/fdmount.h"
#include "rules/mountstate.h"
#include "rules/validation.h"
#include "tempdir.h"
#include "testenv.h"
#include "testmain.h"

#include <QTest>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace strata::helper;

class TestHelperFdMount : public QObject {
    Q_OBJECT

    strata::test::TempDir m_tmp {"strata-helper-fd"};

    std::string dir(const std::string &rel)
    {
        const std::string p = m_tmp / rel;
        ::mkdir(p.c_str(), 0755);
        return p;
    }
    void write(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

private Q_SLOTS:
    void aSymlinkSwappedInAfterValidationIsNotFollowed()
    {
        MountRequest r;
        r.lowers = {dir("l1"), dir("l2")};
        r.upper = dir("u");
        r.work = dir("w");
        r.mountpoint = dir("m");
        write(m_tmp / "l1/which", "checked\n");
        dir("secret");
        write(m_tmp / "secret/which", "swapped\n");
        auto v = validateMount(r, Caller::fromUid(0));
        QVERIFY2(v, v ? "" : v.error().message().c_str());

        // The race: after the check, l1 becomes a link to another directory.
        QCOMPARE(::rename((m_tmp / "l1").c_str(), (m_tmp / "l1.checked").c_str()), 0);
        QCOMPARE(::symlink("secret", (m_tmp / "l1").c_str()), 0);

        auto done = mountKernelByFd(*v);
        QVERIFY2(done, done ? "" : done.error().message().c_str());
        std::ifstream in(m_tmp / "m/which");
        std::string line;
        std::getline(in, line);
        QCOMPARE(line, std::string("checked"));
        in.close();

        MountState state(m_tmp / "state");
        QVERIFY(state.add({done->mountId, 1000, "kernel", r.mountpoint, ""}));
        auto root = resolveMountRoot(r.mountpoint, Caller::fromUid(0));
        QVERIFY2(root, root ? "" : root.error().message().c_str());
        QCOMPARE(root->mountId, done->mountId);
        auto rec = state.find(root->mountId);
        QVERIFY(rec && *rec && (*rec)->owner == 1000);
        auto un = unmountByFd(*root);
        QVERIFY2(un, un ? "" : un.error().message().c_str());
        QVERIFY(state.remove(root->mountId));
        QVERIFY(state.find(root->mountId).value() == std::nullopt);
        QCOMPARE(resolveMountRoot(r.mountpoint, Caller::fromUid(0)).error().code, int(NotMounted));
        struct stat st {};
        QCOMPARE(::stat((m_tmp / "state").c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0700u);
    }
};

STRATA_TEST_MAIN_REQUIRES(TestHelperFdMount, strata::test::requireKernelOverlay)
#include "test_helper_fdmount.moc"
