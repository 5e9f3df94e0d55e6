// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The cases of the merge-rules table (tests/ovl/mergerules.table): one name "w" in
// a directory "d" of a stack of an upper and three lowers (top, middle, last). In
// the layer at `pos` the name is an object of `kind`, in a "d" marked with `op`;
// below it, `below` says what the layer under it holds: a regular file, a
// directory, nothing, or no "d" at all ("solo": "d" exists in that layer only and
// is not merged). Each case's line holds what kernel overlayfs showed of it:
//
//   pos=l1 kind=xw op=x below=file | listed=0 stat=ENOENT sub=-
//
// listed: readdir of "d" lists "w"; stat: lstat of "d/w" (ENOENT, reg:SIZE, dir,
// chr); sub: for a directory "w", the names it lists: one "in-LAYER" file per layer
// it spans. test_mergerules_kernel records these from real mounts (and rewrites the
// table with STRATA_REGENERATE=1); test_mergerules predicts them from the rules.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace strata::test::merge {

inline const std::vector<std::string> &layerNames()
{
    static const std::vector<std::string> names = {"upper", "l0", "l1", "l2"}; // l2: the last lower
    return names;
}

// kind: xw (xattr whiteout), wh (0/0 whiteout), ef (empty file, no marker), rf
// (regular file), dir, diry (dir with opaque=y), dirx (dir with opaque=x).
struct Case {
    int pos = 0; // index into layerNames()
    std::string kind;
    std::string op; // "-", "x", "y": overlay.opaque of "d" in that layer
    std::string below; // file, dir, none, solo
    std::string key() const
    {
        return "pos=" + layerNames()[static_cast<size_t>(pos)] + " kind=" + kind + " op=" + op + " below=" + below;
    }
    std::string dir() const
    {
        return "c-" + layerNames()[static_cast<size_t>(pos)] + "-" + kind + "-" + op + "-" + below;
    }
};

inline std::vector<Case> allCases()
{
    std::vector<Case> out;
    const int n = static_cast<int>(layerNames().size());
    for (int pos = 0; pos < n; ++pos)
        for (const char *kind : {"xw", "wh", "ef", "rf", "dir", "diry", "dirx"})
            for (const char *op : {"-", "x", "y"})
                for (const char *below : {"file", "dir", "none", "solo"}) {
                    const std::string b = below;
                    if (pos == n - 1 && (b == "file" || b == "dir"))
                        continue; // nothing lies below the last lower
                    out.push_back(Case {pos, kind, op, b});
                }
    return out;
}

// The metacopy cases (ovl_lookup's end, ovl::metacopyData): a file "m" in a
// directory "d" present in every layer, metadata only (overlay.metacopy, 7 bytes
// sparse) in the layer at `pos`; in the layer under it `data` is a regular file of
// 7 bytes ("regular"), nothing, or a directory; the stack mounted with metacopy=on
// or off. What the kernel shows: lstat of "d/m" (reg:SIZE or the errno's name) and
// what reading it gives.
//
//   mc pos=l0 data=below metacopy=on | stat=reg:7 read=regular
struct MetacopyCase {
    int pos = 0; // index into layerNames(), never the last lower
    std::string data; // below, none, dir
    bool metacopyOn = false;
    std::string key() const
    {
        return "mc pos=" + layerNames()[static_cast<size_t>(pos)] + " data=" + data
            + " metacopy=" + (metacopyOn ? "on" : "off");
    }
    // The layers are the same for both mounts.
    std::string dir() const { return "mc-" + layerNames()[static_cast<size_t>(pos)] + "-" + data; }
};

inline std::vector<MetacopyCase> allMetacopyCases()
{
    std::vector<MetacopyCase> out;
    const int n = static_cast<int>(layerNames().size());
    for (bool on : {false, true})
        for (int pos = 0; pos < n - 1; ++pos)
            for (const char *data : {"below", "none", "dir"})
                out.push_back(MetacopyCase {pos, data, on});
    return out;
}

inline std::string metacopyObservation(const std::string &stat, const std::string &read)
{
    return "stat=" + stat + " read=" + (read.empty() ? "-" : read);
}

// "key | observation" lines of the table, as a map from key to observation.
struct TableLine {
    std::string key;
    std::string observed;
};

inline std::vector<TableLine> parseTable(const std::string &text)
{
    std::vector<TableLine> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(at, end - at);
        at = end + 1;
        if (line.empty() || line[0] == '#')
            continue;
        const size_t bar = line.find(" | ");
        if (bar == std::string::npos)
            continue;
        out.push_back(TableLine {line.substr(0, bar), line.substr(bar + 3)});
    }
    return out;
}

inline std::string tablePath(const std::string &sourceDir)
{
    return sourceDir + "/tests/ovl/mergerules.table";
}

inline std::vector<TableLine> readTable(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return parseTable(ss.str());
}

// One case's observation in the table's words: whether readdir lists "w", what
// lstat says of it (ENOENT, reg:SIZE, dir, chr), what a directory "w" lists.
inline std::string observation(bool listed, const std::string &stat, const std::vector<std::string> &sub)
{
    std::string names;
    for (const auto &n : sub)
        names += (names.empty() ? "" : ",") + n;
    if (stat == "dir" && names.empty())
        names = "(empty)";
    return std::string("listed=") + (listed ? "1" : "0") + " stat=" + stat + " sub=" + (names.empty() ? "-" : names);
}

} // namespace strata::test::merge
