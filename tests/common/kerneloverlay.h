// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <vector>

namespace strata::test {

// A kernel overlayfs mount for tests, unmounted when the object dies.
//
//   KernelOverlay ovl(tmp / "merged", {tmp / "l1", tmp / "l2"}, tmp / "upper", tmp / "work",
//                     {"index=on", "redirect_dir=on"});
//   QVERIFY2(ovl.ok(), ovl.error().c_str());
//
// Lowers are listed top first (like lowerdir=). Options are "key=value" or a bare flag
// ("userxattr"). Mounts through the new mount API, one lowerdir+ per layer (Linux 6.8+),
// so layer paths need no escaping; on older kernels it falls back to mount(2) with
// ':' ',' '\' escaped. On failure error() holds the kernel's own messages from the
// fs_context log ("overlay: ..."), which is what a test failure should show.
// Without upper/work the mount is read-only (the kernel then wants >= 2 lowers).
class KernelOverlay {
public:
    KernelOverlay(std::string target, std::vector<std::string> lowers, std::string upper = {}, std::string work = {},
                  std::vector<std::string> options = {});
    ~KernelOverlay(); // unmount(); lazily (MNT_DETACH) if busy
    KernelOverlay(const KernelOverlay &) = delete;
    KernelOverlay &operator=(const KernelOverlay &) = delete;

    bool ok() const { return m_mounted; }
    const std::string &error() const { return m_error; }
    const std::string &target() const { return m_target; }
    std::string operator/(const std::string &rel) const { return m_target + "/" + rel; }

    // Unmount now (so a test can inspect the layers as the kernel left them).
    // Returns false and sets error() if even a lazy unmount failed.
    bool unmount();

private:
    bool mountNewApi(bool &unsupported);
    bool mountLegacy();

    std::string m_target;
    std::vector<std::string> m_lowers;
    std::string m_upper;
    std::string m_work;
    std::vector<std::string> m_options;
    bool m_mounted = false;
    std::string m_error;
};

} // namespace strata::test
