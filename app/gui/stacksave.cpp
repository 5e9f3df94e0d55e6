// SPDX-License-Identifier: GPL-2.0-or-later
#include "stacksave.h"

#include "guitext.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>

namespace strata::gui {

// lupdate files these strings under the namespace's context ("strata::gui").
static QString tr(const char *s)
{
    return QCoreApplication::translate("strata::gui", s);
}

QString askStackFileName(QWidget *parent)
{
    return QFileDialog::getSaveFileName(parent, tr("Save stack file"), QString(), tr("Stack files (*.json)"));
}

void saveStackFile(Job &job, const QString &file, stack::StackSpec spec,
                   std::function<void(bool ok, const QString &message)> done)
{
    job.start([file, spec = std::move(spec), done = std::move(done)](Job::Control &) -> Job::Apply {
        auto written = stack::writeStackFile(QFile::encodeName(file).toStdString(), spec);
        const QString message
            = written ? tr("Saved %1").arg(file) : tr("Not saved: %1").arg(errorText(written.error()));
        return [done, ok = bool(written), message]() { done(ok, message); };
    });
}

} // namespace strata::gui
