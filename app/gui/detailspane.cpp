// SPDX-License-Identifier: GPL-2.0-or-later
#include "detailspane.h"

namespace strata::gui {

DetailsPane::DetailsPane(QWidget *parent)
    : QTextBrowser(parent)
{
    setAccessibleName(tr("Details"));
    setOpenLinks(false);
    showNothing();
}

void DetailsPane::showEntry(const stack::LayerStack &stack, const std::string &path, const stack::MergedEntry &entry)
{
    m_sections = entryDetails(stack, path, entry);
    setHtml(detailsHtml(m_sections));
}

void DetailsPane::showNothing()
{
    m_sections.clear();
    setHtml(QStringLiteral("<p style='color:gray'>%1</p>")
                .arg(tr("Select an entry to see where it comes from, what lies "
                        "beneath it and its overlay attributes.")));
}

} // namespace strata::gui
