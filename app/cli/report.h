// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What one run found it could not read. A result with problems is partial: it is
// printed, flagged ("complete": false, "problems": [...] in JSON; a warning on
// stderr in text) and the run exits 3. Never presented as complete.

#include "json.h"
#include "util/error.h"

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

namespace strata::stack {
class LayerStack;
}

namespace strata::cli {

class Report {
public:
    explicit Report(std::string command);

    void add(const Error &e); // duplicates (same message) are kept once
    void add(const std::vector<Error> &errors);
    // One problem for the whole stack when its overlay xattrs are unreadable; the
    // per-entry copies of that problem are then folded into it (see addEntryProblems).
    void addStackProblems(const stack::LayerStack &stack);
    void addEntryProblems(const std::vector<Error> &errors);

    bool complete() const { return m_problems.empty(); }
    const std::vector<Error> &problems() const { return m_problems; }

    // {"schema", "command", "complete", "problems", ...payload}
    Json document(const Json &payload) const;
    // Prints the stderr warning for a partial result; returns the exit code.
    int finish() const;
    // The end of every command: the JSON document (or `text()`) on stdout, then finish().
    int print(bool json, const Json &payload, const std::function<void()> &text) const;

private:
    std::string m_command;
    std::vector<Error> m_problems;
    std::unordered_set<std::string> m_seen;
    bool m_xattrsUnreadable = false;
};

} // namespace strata::cli
