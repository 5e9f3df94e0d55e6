// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <initializer_list>
#include <string>

namespace strata::test {

// A small ext4 filesystem in an image file on a loop device, for tests that need a
// real block filesystem: one whose uuid can be changed (tune2fs -U) and that can be
// unmounted and mounted somewhere else. Detached (and unmounted) on destruction.
//
//   LoopExt4 fs(tmp / "disk.img");
//   QVERIFY2(fs.ok(), fs.error().c_str());
//   QVERIFY(fs.mountAt(tmp / "a"));
class LoopExt4 {
public:
    explicit LoopExt4(std::string image, int sizeMiB = 64);
    ~LoopExt4();
    LoopExt4(const LoopExt4 &) = delete;
    LoopExt4 &operator=(const LoopExt4 &) = delete;

    bool ok() const { return !m_device.empty(); }
    const std::string &error() const { return m_error; }
    const std::string &device() const { return m_device; }
    const std::string &mountPoint() const { return m_mountPoint; }

    bool mountAt(const std::string &dir); // creates dir if missing
    bool unmount();
    bool setRandomUuid(); // tune2fs -U random (unmounted)
    std::string uuid() const; // blkid's text, "" on failure

private:
    std::string m_image;
    std::string m_device;
    std::string m_mountPoint;
    std::string m_error;
};

// Runs a program (argv[0] looked up in PATH; stdin /dev/null, stderr passed on) and
// returns its exit status, its stdout in `out` when given; -1 when it could not be
// started, crashed, or did not end within `timeoutMs` (it is then killed).
int runProgram(const std::initializer_list<std::string> &argv, std::string *out = nullptr, int timeoutMs = 60000);

} // namespace strata::test
