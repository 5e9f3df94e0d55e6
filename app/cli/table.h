// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Aligned text columns. Cells are expected to be terminal-safe already (names go
// through displayName()); widths count code points, colours add no width.

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

class Table {
public:
    enum class Align { Left, Right };
    struct Column {
        std::string header;
        Align align = Align::Left;
    };
    struct Cell {
        std::string text;
        std::string_view color = {}; // SGR code, see textformat.h
    };

    explicit Table(std::vector<Column> columns);
    void addRow(std::vector<Cell> cells);
    bool empty() const { return m_rows.empty(); }
    size_t rows() const { return m_rows.size(); }
    // Header (bold when colouring) and rows; the last column is never padded.
    void print(std::FILE *out, bool color) const;

private:
    std::vector<Column> m_columns;
    std::vector<std::vector<Cell>> m_rows;
};

size_t displayWidth(std::string_view utf8); // code points

} // namespace strata::cli
