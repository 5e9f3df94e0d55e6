// SPDX-License-Identifier: GPL-2.0-or-later
// Not compiled: lupdate reads these so the strings of the .desktop file and the
// AppStream metainfo are translated in translations/*.ts with everything else.
// test_gui_desktop checks that the German in those files matches strata_de.ts.
#include <QtGlobal>

static const char *const desktopStrings[] = {
    QT_TRANSLATE_NOOP("desktop", "Layer Stack Inspector"),
    QT_TRANSLATE_NOOP("desktop", "Inspect and manage layered (overlayfs) mounts"),
    QT_TRANSLATE_NOOP("desktop", "overlayfs;overlay;layers;container;whiteout;mount;"),
    QT_TRANSLATE_NOOP("metainfo", "Inspect and manage layered (overlayfs) mounts"),
    QT_TRANSLATE_NOOP("metainfo",
                      "Strata shows a layer stack the way the kernel sees it: which layer every file comes from, "
                      "what is hidden by whiteouts and opaque directories, what was copied up, and what the index "
                      "holds."),
    QT_TRANSLATE_NOOP("metainfo",
                      "It assembles new stacks by drag and drop, checks them before mounting, and mounts them with "
                      "its own FUSE union engine."),
    QT_TRANSLATE_NOOP("metainfo", "The merged tree with the layer every file comes from"),
    QT_TRANSLATE_NOOP("metainfo", "Details of a copied-up file: its origin and the versions beneath it"),
    QT_TRANSLATE_NOOP("metainfo", "Every whiteout of the stack"),
    QT_TRANSLATE_NOOP("metainfo", "Assembling a stack, with the preflight of both engines"),
};
