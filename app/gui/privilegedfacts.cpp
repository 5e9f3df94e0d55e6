// SPDX-License-Identifier: GPL-2.0-or-later
#include "privilegedfacts.h"

#include "helpermounter.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <map>

namespace strata::gui {

namespace {

// The reply's count fields, in the order the columns show them.
struct Column {
    const char *key;
    const char *title;
};
constexpr Column kColumns[] = {
    {"whiteouts", QT_TRANSLATE_NOOP("strata::gui::PrivilegedFactsDialog", "Whiteouts")},
    {"opaque_dirs", QT_TRANSLATE_NOOP("strata::gui::PrivilegedFactsDialog", "Opaque dirs")},
    {"redirects", QT_TRANSLATE_NOOP("strata::gui::PrivilegedFactsDialog", "Redirects")},
    {"metacopy", QT_TRANSLATE_NOOP("strata::gui::PrivilegedFactsDialog", "Metacopy")},
    {"copied_up", QT_TRANSLATE_NOOP("strata::gui::PrivilegedFactsDialog", "Copied up")},
};

} // namespace

PrivilegedFactsDialog::PrivilegedFactsDialog(stack::StackSpec spec, const QString &title, QWidget *parent)
    : QDialog(parent)
    , m_spec(std::move(spec))
    , m_helper(new app::HelperMounter(this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(this))
    , m_index(new QLabel(this))
{
    setWindowTitle(tr("Overlay Facts as Administrator — %1").arg(title));
    m_status->setWordWrap(true);
    m_index->setWordWrap(true);
    QStringList headers {tr("Layer")};
    for (const auto &c : kColumns)
        headers << tr(c.title);
    headers << tr("Path");
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *again = buttons->addButton(tr("Ask Again"), QDialogButtonBox::ActionRole);
    connect(again, &QPushButton::clicked, this, &PrivilegedFactsDialog::ask);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_table);
    layout->addWidget(m_index);
    layout->addWidget(buttons);
    resize(760, 360);
    connect(m_helper, &app::HelperMounter::readFinished, this, &PrivilegedFactsDialog::onReply);
}

void PrivilegedFactsDialog::ask()
{
    m_status->setText(tr("Asking strata-helper to read the layers as root; the system may ask for a password…"));
    m_request = m_helper->readPrivileged(m_spec);
}

void PrivilegedFactsDialog::onReply(quint64 id, const app::MountResult &result, const QString &json)
{
    if (id != m_request)
        return;
    if (!result.ok) {
        showRefusal(result.message);
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject()) {
        showRefusal(tr("The helper's answer could not be read."));
        return;
    }
    showFacts(doc.object());
}

void PrivilegedFactsDialog::showRefusal(const QString &message)
{
    m_table->setRowCount(0);
    m_index->clear();
    m_status->setText(tr("Not shown: %1").arg(message));
    Q_EMIT answered(false);
}

void PrivilegedFactsDialog::showFacts(const QJsonObject &facts)
{
    const QJsonArray layers = facts.value(QStringLiteral("layers")).toArray();
    m_table->setRowCount(int(layers.size()));
    for (int row = 0; row < layers.size(); ++row) {
        const QJsonObject l = layers.at(row).toObject();
        int col = 0;
        auto put = [&](const QString &text) { m_table->setItem(row, col++, new QTableWidgetItem(text)); };
        put(QString::number(l.value(QStringLiteral("index")).toInt()));
        for (const auto &c : kColumns) {
            const QJsonValue v = l.value(QLatin1String(c.key));
            put(v.isDouble() ? QString::number(qint64(v.toDouble())) : QStringLiteral("?"));
        }
        const QString error = l.value(QStringLiteral("error")).toString();
        put(l.value(QStringLiteral("path")).toString()
            + (error.isEmpty() ? QString() : QStringLiteral("  (%1)").arg(error)));
    }
    m_table->resizeColumnsToContents();
    const QJsonObject index = facts.value(QStringLiteral("index")).toObject();
    if (index.isEmpty()) {
        m_index->setText(tr("Index: no work directory was given."));
    } else if (index.contains(QStringLiteral("error"))) {
        m_index->setText(tr("Index: cannot be read: %1").arg(index.value(QStringLiteral("error")).toString()));
    } else if (!index.value(QStringLiteral("present")).toBool()) {
        m_index->setText(tr("Index: none (the work directory has no index)."));
    } else {
        std::map<QString, int> byStatus;
        const QJsonArray entries = index.value(QStringLiteral("entries")).toArray();
        for (const auto &e : entries)
            ++byStatus[e.toObject().value(QStringLiteral("status")).toString()];
        QStringList counts;
        for (const auto &[status, n] : byStatus)
            counts << QStringLiteral("%1 %2").arg(n).arg(status);
        m_index->setText(
            tr("Index: %n entries", nullptr, int(entries.size()))
            + (counts.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(counts.join(QStringLiteral(", ")))));
    }
    m_status->setText(tr("Read by strata-helper as root."));
    Q_EMIT answered(true);
}

} // namespace strata::gui
