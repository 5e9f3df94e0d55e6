// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Shared by the GUI suites: the demo stack in a temporary directory, and loading a
// lazy tree completely by waiting on the model's own signals.

#include "mergedtreemodel.h"
#include "stack/demostack.h"
#include "stack/layerstack.h"
#include "tempdir.h"

#include <QAbstractItemModel>
#include <QSignalSpy>
#include <QTest>
#include <memory>

namespace strata::test {

struct DemoStack {
    TempDir dir {"strata-gui-demo"};
    std::shared_ptr<const stack::LayerStack> stack;
    std::string error;
    DemoStack()
    {
        auto spec = stack::createDemoStack(dir.path());
        if (!spec) {
            error = spec.error().message();
            return;
        }
        auto opened = stack::LayerStack::fromSpec(*spec);
        if (!opened) {
            error = opened.error().message();
            return;
        }
        stack = *opened;
    }
};

// Fetches every directory of `model` (through `view`'s model, which may be a proxy)
// and waits for each listing to arrive. False on timeout.
inline bool fetchAll(gui::MergedTreeModel &source, QAbstractItemModel &model, int timeoutMs = 20000)
{
    for (int round = 0; round < 64; ++round) {
        QList<QModelIndex> pending {QModelIndex()};
        bool fetched = false;
        while (!pending.isEmpty()) {
            const QModelIndex parent = pending.takeLast();
            if (model.canFetchMore(parent)) {
                model.fetchMore(parent);
                fetched = true;
            }
            for (int r = 0; r < model.rowCount(parent); ++r)
                pending << model.index(r, 0, parent);
        }
        if (!fetched && source.pendingFetches() == 0)
            return true;
        QSignalSpy loaded(&source, &gui::MergedTreeModel::loadingChanged);
        while (source.pendingFetches() > 0)
            if (!loaded.wait(timeoutMs))
                return false;
    }
    return false;
}

} // namespace strata::test
