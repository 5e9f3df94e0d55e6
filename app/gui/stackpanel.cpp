// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackpanel.h"

#include "messagebar.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace strata::gui {

StackPanel::StackPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new LayerStackModel(this))
    , m_title(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_mode(new QComboBox(this))
    , m_scanLabel(new QLabel(this))
    , m_scanBar(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
    , m_messages(new MessageBar(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText);
    layout->addWidget(m_title);
    layout->addWidget(m_messages);

    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAccessibleName(tr("Layers"));
    m_view->header()->setStretchLastSection(true);
    layout->addWidget(m_view, 1);

    auto *modeRow = new QHBoxLayout;
    auto *modeLabel = new QLabel(tr("&Show:"), this);
    modeLabel->setBuddy(m_mode);
    m_mode->addItem(tr("Merged view (all layers)"), int(ViewMode::Merged));
    m_mode->addItem(tr("Selected layer only"), int(ViewMode::LayerOnly));
    m_mode->addItem(tr("Cumulative, up to the selected layer"), int(ViewMode::Cumulative));
    m_mode->setToolTip(tr("Layer only: what the layer holds, marked added / modified / deleted.\n"
                          "Cumulative: the stack as if the layers above did not exist."));
    modeRow->addWidget(modeLabel);
    modeRow->addWidget(m_mode, 1);
    layout->addLayout(modeRow);

    auto *scanRow = new QHBoxLayout;
    m_scanBar->setRange(0, 0);
    // As slim as the label beside it, but never below what the style draws it in
    // (the cap alone clipped the bar).
    m_scanBar->setMaximumHeight(std::max(m_scanLabel->sizeHint().height(), m_scanBar->minimumSizeHint().height()));
    m_cancel->setIcon(QIcon::fromTheme(QStringLiteral("process-stop")));
    m_cancel->setToolTip(tr("Stop counting"));
    m_cancel->setAccessibleName(tr("Stop counting"));
    scanRow->addWidget(m_scanLabel, 1);
    scanRow->addWidget(m_scanBar);
    scanRow->addWidget(m_cancel);
    layout->addLayout(scanRow);
    setScanProgress(false, 0);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &StackPanel::emitView);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this]() {
        if (viewMode() != ViewMode::Merged)
            emitView();
    });
    connect(m_cancel, &QToolButton::clicked, this, &StackPanel::cancelScanRequested);
}

void StackPanel::setStack(std::shared_ptr<const stack::LayerStack> stack, const QString &title)
{
    const QSignalBlocker block(m_mode);
    m_model->setStack(std::move(stack));
    m_title->setText(title);
    m_mode->setCurrentIndex(0);
    for (int c = 0; c < LayerStackModel::ColumnCount; ++c)
        m_view->resizeColumnToContents(c);
}

ViewMode StackPanel::viewMode() const
{
    return ViewMode(m_mode->currentData().toInt());
}

void StackPanel::setViewMode(ViewMode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
}

int StackPanel::selectedLayer() const
{
    const QModelIndex cur = m_view->currentIndex();
    return cur.isValid() ? cur.siblingAtColumn(0).data(LayerStackModel::LayerIndexRole).toInt() : -1;
}

void StackPanel::selectLayer(int layer)
{
    if (layer >= 0 && layer < m_model->rowCount())
        m_view->setCurrentIndex(m_model->index(layer, 0));
}

void StackPanel::emitView()
{
    ViewMode mode = viewMode();
    int layer = selectedLayer();
    if (mode != ViewMode::Merged && layer < 0 && m_model->rowCount() > 0) {
        layer = 0;
        const QSignalBlocker block(m_view->selectionModel());
        m_view->setCurrentIndex(m_model->index(0, 0));
    }
    Q_EMIT viewChanged(mode, mode == ViewMode::Merged ? 0 : layer);
}

void StackPanel::setScanProgress(bool running, quint64 entries)
{
    m_scanBar->setVisible(running);
    m_cancel->setVisible(running);
    m_scanLabel->setText(running ? tr("Counting layers… %L1 entries").arg(entries) : QString());
    m_scanLabel->setVisible(running);
}

} // namespace strata::gui
