// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Restamp from the layer badge: the verdict, then the preview (a dry run, in a
// worker) listing every change, and only then the button that runs the restamp (in
// a worker too). core/stack/restamp.h does the work; this only shows it.

#include "stack/identitycheck.h"
#include "stack/layerstack.h"

#include <QDialog>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace strata::gui {

class Job;

class RestampDialog : public QDialog {
    Q_OBJECT
public:
    RestampDialog(std::shared_ptr<const stack::LayerStack> stack, const stack::IdentityVerdict &verdict,
                  QWidget *parent = nullptr);

    QPushButton *runButton() const { return m_run; }
    QPlainTextEdit *changesView() const { return m_changes; }
    QLabel *statusLabel() const { return m_status; }
    bool done() const { return m_done; }

Q_SIGNALS:
    void previewReady(int changes);
    void restamped(bool ok); // the stack should be opened again

private:
    void startPreview();
    void startRestamp();

    std::shared_ptr<const stack::LayerStack> m_stack;
    stack::Uuid m_to {};
    QLabel *m_status;
    QPlainTextEdit *m_changes;
    QPushButton *m_run;
    Job *m_job;
    bool m_done = false;
};

} // namespace strata::gui
