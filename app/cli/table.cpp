// SPDX-License-Identifier: GPL-2.0-or-later
#include "table.h"

#include "textformat.h"

#include <algorithm>

namespace strata::cli {

size_t displayWidth(std::string_view utf8)
{
    return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80; // not a continuation byte
    }));
}

Table::Table(std::vector<Column> columns)
    : m_columns(std::move(columns))
{ }

void Table::addRow(std::vector<Cell> cells)
{
    cells.resize(m_columns.size());
    m_rows.push_back(std::move(cells));
}

void Table::print(std::FILE *out, bool color) const
{
    std::vector<size_t> widths(m_columns.size(), 0);
    for (size_t c = 0; c < m_columns.size(); ++c) {
        widths[c] = displayWidth(m_columns[c].header);
        for (const auto &row : m_rows)
            widths[c] = std::max(widths[c], displayWidth(row[c].text));
    }
    auto emit = [&](const std::vector<Cell> &row, bool header) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            const bool lastCol = c + 1 == row.size();
            const size_t pad = widths[c] - displayWidth(row[c].text);
            if (c > 0)
                line += "  ";
            if (m_columns[c].align == Align::Right)
                line.append(pad, ' ');
            line += colored(row[c].text, header ? kColorBold : row[c].color, color);
            if (m_columns[c].align == Align::Left && !lastCol)
                line.append(pad, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        line += '\n';
        std::fputs(line.c_str(), out);
    };
    std::vector<Cell> header;
    for (const auto &col : m_columns)
        header.push_back(Cell {col.header});
    emit(header, true);
    for (const auto &row : m_rows)
        emit(row, false);
}

} // namespace strata::cli
