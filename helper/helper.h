// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// strata-helper: the KAuth helper. One slot per polkit action; KAuth has checked
// the action with polkit before a slot runs. Every slot validates through the rules
// library, acts only on what it opened there, and answers with the request's nonce
// (see docs/HELPER.md for the reply format and why).

#include <KAuth/ActionReply>

#include <QObject>
#include <QVariantMap>

namespace strata::helper {

class StrataHelper : public QObject {
    Q_OBJECT
public Q_SLOTS:
    KAuth::ActionReply mount(const QVariantMap &args);
    KAuth::ActionReply unmount(const QVariantMap &args);
    KAuth::ActionReply readprivileged(const QVariantMap &args);
};

} // namespace strata::helper
