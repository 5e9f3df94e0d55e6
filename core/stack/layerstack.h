// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "layer.h"
#include "mounts/mounttable.h"
#include "stackspec.h"

#include <memory>
#include <string>
#include <vector>

namespace strata::stack {

// A layer stack opened for inspection: the layers held open by fd, top first
// (upper, then lowers top to bottom, then data-only), plus what is known about the
// mount if it came from one. Immutable once opened; shared between threads.
class LayerStack {
public:
    // (a) a mounted kernel overlay (or strata-fuse) mount point: layers and options
    //     from mountinfo (libmount), lowerdir=, lowerdir+=, datadir+=, "::", escapes.
    static Result<std::shared_ptr<const LayerStack>> fromMount(const std::string &mountpoint);
    // (b) explicit directories; (c) a stack file. Both go through fromSpec.
    static Result<std::shared_ptr<const LayerStack>> fromSpec(const StackSpec &spec);
    static Result<std::shared_ptr<const LayerStack>> fromStackFile(const std::string &path);
    // A mount point or a stack file: what `stratactl TARGET` and `strata TARGET`
    // accept (explicit layer directories go through fromSpec).
    static Result<std::shared_ptr<const LayerStack>> open(const std::string &target);

    const std::vector<Layer> &layers() const { return m_layers; }
    const Layer *upper() const { return hasUpper() ? &m_layers.front() : nullptr; }
    bool hasUpper() const { return !m_layers.empty() && m_layers.front().role == Role::Upper; }
    // Layers merged into the tree (upper + lowers, excluding data-only), top first.
    size_t mergedLayerCount() const { return m_mergedCount; }

    ovl::Namespace xattrNamespace() const { return m_ns; }
    // Whether overlay xattrs of this stack can be read by this process: trusted.*
    // needs CAP_SYS_ADMIN. When false, every fact that depends on them is reported
    // as unknown, never guessed.
    bool canReadOverlayXattrs() const { return m_canReadXattrs; }

    const StackSpec &spec() const { return m_spec; }
    // The mount table line the stack was read from (fromMount), as it was then:
    // what the mount options view parses, option by option.
    const std::optional<mounts::MountEntry> &mount() const { return m_mount; }
    const std::optional<std::string> &workdir() const { return m_spec.work; }
    bool redirectFollow() const { return m_redirectFollow; }
    bool metacopyEnabled() const { return m_metacopy; }

private:
    LayerStack() = default;
    static Result<std::shared_ptr<LayerStack>> build(StackSpec spec);

    std::vector<Layer> m_layers;
    size_t m_mergedCount = 0;
    ovl::Namespace m_ns = ovl::Namespace::Trusted;
    bool m_canReadXattrs = false;
    bool m_redirectFollow = true;
    bool m_metacopy = true;
    StackSpec m_spec;
    std::optional<mounts::MountEntry> m_mount;
};

} // namespace strata::stack
