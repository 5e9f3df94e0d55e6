// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <QProcess>

#include <memory>
#include <string>

namespace strata::test {

// strata-test-faultyfs (faultyfs.cpp) serving `backing` at `mountpoint`: a FUSE
// filesystem with the writeback cache whose writes fail on command, to make real
// writeback errors. Unmounted when the object dies.
class FaultyFs {
public:
    FaultyFs(std::string backing, std::string mountpoint);
    ~FaultyFs();
    FaultyFs(const FaultyFs &) = delete;
    FaultyFs &operator=(const FaultyFs &) = delete;

    bool ok() const { return m_mounted; }
    const std::string &error() const { return m_error; }
    // From now on every WRITE the kernel sends fails with EIO (or succeeds again).
    void failWrites(bool fail);

private:
    std::string m_mountpoint;
    std::unique_ptr<QProcess> m_proc;
    bool m_mounted = false;
    std::string m_error;
};

} // namespace strata::test
