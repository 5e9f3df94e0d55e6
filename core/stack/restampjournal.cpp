// SPDX-License-Identifier: GPL-2.0-or-later
#include "restampjournal.h"

#include "util/hex.h"

#include <cerrno>
#include <sstream>

namespace strata::stack {

namespace {

std::string hex(std::string_view s)
{
    return toHex({reinterpret_cast<const uint8_t *>(s.data()), s.size()});
}

// "-" stands for the empty string, which hex would leave as an empty field.
std::string field(std::string_view s)
{
    return s.empty() ? "-" : hex(s);
}

std::optional<std::string> unfield(const std::string &f)
{
    if (f == "-")
        return std::string();
    auto b = fromHex(f);
    if (!b)
        return std::nullopt;
    return std::string(b->begin(), b->end());
}

std::optional<Uuid> uuidField(const std::string &f)
{
    return uuidFromHex(f);
}

} // namespace

std::string formatJournal(const Uuid &from, const Uuid &to, const std::vector<RestampChange> &changes)
{
    std::string out = "strata-restamp-journal 1\nfrom " + toHex(from) + " to " + toHex(to) + "\n";
    for (const auto &c : changes) {
        const char *root = c.root == RestampChange::Root::Upper ? "upper" : "work";
        if (c.kind == RestampChange::Kind::SetXattr)
            out += std::string("S ") + root + " " + field(c.path) + " " + field(c.xattr) + " " + field(c.before) + " "
                + field(c.after) + "\n";
        else
            out += std::string("R ") + root + " " + field(c.path) + " " + field(c.before) + " " + field(c.after) + "\n";
    }
    return out;
}

Result<Journal> parseJournal(std::string_view text, const std::string &path)
{
    std::istringstream in {std::string(text)};
    std::string line;
    auto bad = [&](const std::string &why) { return fail(makeError(path, "damaged restamp journal: " + why, EINVAL)); };
    if (!std::getline(in, line) || line != "strata-restamp-journal 1")
        return bad("unknown header");
    Journal j;
    {
        if (!std::getline(in, line))
            return bad("no uuids");
        std::istringstream l(line);
        std::string kw1, f, kw2, t;
        l >> kw1 >> f >> kw2 >> t;
        auto from = uuidField(f);
        auto to = uuidField(t);
        if (kw1 != "from" || kw2 != "to" || !from || !to)
            return bad("bad uuid line");
        j.from = *from;
        j.to = *to;
    }
    while (std::getline(in, line)) {
        std::istringstream l(line);
        std::string kind, root;
        l >> kind >> root;
        RestampChange c;
        if (root == "upper")
            c.root = RestampChange::Root::Upper;
        else if (root == "work")
            c.root = RestampChange::Root::Work;
        else
            return bad("unknown root '" + root + "'");
        std::vector<std::string> fields;
        for (std::string f; l >> f;)
            fields.push_back(f);
        std::vector<std::string> values;
        for (const auto &f : fields) {
            auto v = unfield(f);
            if (!v)
                return bad("a field is not hex");
            values.push_back(*v);
        }
        if (kind == "S" && values.size() == 4) {
            c.kind = RestampChange::Kind::SetXattr;
            c.path = values[0];
            c.xattr = values[1];
            c.before = values[2];
            c.after = values[3];
        } else if (kind == "R" && values.size() == 3) {
            c.kind = RestampChange::Kind::Rename;
            c.path = values[0];
            c.before = values[1];
            c.after = values[2];
        } else {
            return bad("a line is neither S nor R with its fields");
        }
        j.changes.push_back(std::move(c));
    }
    return j;
}

} // namespace strata::stack
