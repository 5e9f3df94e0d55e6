// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// "Overlay Facts as Administrator": for a user who cannot read trusted.overlay.*,
// the overlay metadata per layer (whiteouts, opaque dirs, redirects, metacopy,
// copied-up objects) and the index, read by strata-helper (readprivileged) after
// polkit says yes, shown as the reply says; a refusal is shown as the helper's
// client words it. `stratactl privileged` shows the same reply.

#include "stack/stackspec.h"

#include <QDialog>
#include <QJsonObject>

class QLabel;
class QTableWidget;

namespace strata::app {
class HelperMounter;
struct MountResult;
} // namespace strata::app

namespace strata::gui {

class PrivilegedFactsDialog : public QDialog {
    Q_OBJECT
public:
    PrivilegedFactsDialog(stack::StackSpec spec, const QString &title, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *indexLabel() const { return m_index; }

    // The helper's reply (its JSON document, helper/inspect.h) into the table.
    void showFacts(const QJsonObject &facts);
    void showRefusal(const QString &message);

public Q_SLOTS:
    void ask(); // sends the request; the answer fills the dialog

Q_SIGNALS:
    void answered(bool ok);

private:
    void onReply(quint64 id, const app::MountResult &result, const QString &json);

    stack::StackSpec m_spec;
    app::HelperMounter *m_helper;
    quint64 m_request = 0;
    QLabel *m_status;
    QTableWidget *m_table;
    QLabel *m_index;
};

} // namespace strata::gui
