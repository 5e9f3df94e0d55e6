// SPDX-License-Identifier: GPL-2.0-or-later
// stratactl privileged: what only root can read about a stack, for a user who is
// not root: the overlay metadata per layer (whiteouts, opaque dirs, redirects,
// metacopy, copied-up objects: they live in trusted.overlay.* xattrs) and the index
// entries with the layer each handle resolves to. strata-helper reads them (its
// readprivileged action, helper/inspect.cpp) after polkit says yes; the reply is
// shown as it came, so this and the GUI's "Overlay Facts as Administrator" show
// the same document.
#include "commands.h"
#include "helpermounter.h"
#include "report.h"
#include "stack/layerstack.h"
#include "table.h"
#include "util/displayname.h"

#include <QCoreApplication>

#include <map>

namespace strata::cli {

namespace {

// Sends the stack's layers to the helper and waits for its answer.
app::MountResult readThroughHelper(const stack::StackSpec &spec, QString &json)
{
    int argc = 1;
    char name[] = "stratactl";
    char *args[] = {name, nullptr};
    QCoreApplication app(argc, args);
    app::HelperMounter helper;
    app::MountResult result;
    quint64 id = 0;
    QObject::connect(&helper, &app::HelperMounter::readFinished,
                     [&](quint64 done, const app::MountResult &r, const QString &reply) {
                         if (done != id)
                             return;
                         result = r;
                         json = reply;
                         QCoreApplication::exit(0);
                     });
    id = helper.readPrivileged(spec);
    QCoreApplication::exec();
    return result;
}

void printFacts(const Json &facts)
{
    using A = Table::Align;
    Table table({{"LAYER", A::Right},
                 {"WHITEOUTS", A::Right},
                 {"OPAQUE", A::Right},
                 {"REDIRECTS", A::Right},
                 {"METACOPY", A::Right},
                 {"COPIED-UP", A::Right},
                 {"PATH"}});
    auto count = [](const Json &layer, const char *key) -> Table::Cell {
        const auto it = layer.find(key);
        return {it != layer.end() && it->is_number() ? std::to_string(it->get<uint64_t>()) : std::string("?")};
    };
    for (const auto &l : facts.value("layers", Json::array())) {
        const std::string path = l.value("path", std::string());
        table.addRow(
            {{std::to_string(l.value("index", -1))},
             count(l, "whiteouts"),
             count(l, "opaque_dirs"),
             count(l, "redirects"),
             count(l, "metacopy"),
             count(l, "copied_up"),
             {displayName(path) + (l.contains("error") ? "  (" + l.value("error", std::string()) + ")" : "")}});
    }
    std::printf("Read by strata-helper as root:\n");
    table.print(stdout, false);
    if (const auto index = facts.find("index"); index != facts.end()) {
        if (index->contains("error")) {
            std::printf("\nIndex: cannot be read: %s\n", index->value("error", std::string()).c_str());
        } else if (!index->value("present", false)) {
            std::printf("\nIndex: none (the work dir has no index/)\n");
        } else {
            std::map<std::string, size_t> byStatus;
            const Json entries = index->value("entries", Json::array());
            for (const auto &e : entries)
                ++byStatus[e.value("status", std::string("?"))];
            std::string counts;
            for (const auto &[status, n] : byStatus)
                counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
            std::printf("\nIndex: %zu entries%s%s\n", entries.size(), counts.empty() ? "" : ": ", counts.c_str());
        }
    }
}

} // namespace

const CommandInfo kPrivilegedCommand {
    "privileged",
    "privileged TARGET [--json]",
    "What only root can read about the stack (the overlay metadata in trusted.*\n"
    "xattrs per layer, the index entries and the layers their handles resolve to),\n"
    "read by strata-helper after polkit allows it.",
    "strata-helper reads the layers as root (action readprivileged); every layer must\n"
    "be one the caller can read. Exit 4: polkit did not authorize the request.\n",
    {},
};

int runPrivileged(std::span<const std::string> argv)
{
    const CommandInfo &info = kPrivilegedCommand;
    auto inv = parseInvocation(info, argv);
    if (!inv)
        return inv.error();
    auto stack = openStack(info, *inv, 0);
    if (!stack)
        return stack.error();
    const stack::StackSpec &spec = (*stack)->spec();

    QString reply;
    const app::MountResult r = readThroughHelper(spec, reply);
    const std::string subject = !spec.mountpoint.empty() ? spec.mountpoint
        : spec.lower.empty()                             ? std::string("stack")
                                                         : spec.lower.front();
    if (!r.ok) {
        const Error e = makeError(subject, r.message.toStdString(), r.code == 4 || r.code == 5 ? EACCES : EIO);
        std::fprintf(stderr, "stratactl: %s\n", e.message().c_str());
        if (inv->out.json) {
            Json doc;
            doc["schema"] = kJsonSchemaVersion;
            doc["command"] = info.name;
            doc["complete"] = false;
            doc["via"] = "helper";
            doc["code"] = r.code;
            doc["error"] = errorJson(e);
            printJson(doc);
        }
        return r.code == 4 || r.code == 5 ? ExitNotAuthorized : ExitFailed;
    }
    const Json facts = Json::parse(reply.toStdString(), nullptr, false);
    if (facts.is_discarded() || !facts.is_object())
        return commandFailed(info, inv->out, makeError(subject, "strata-helper's reply is not a JSON object", EIO));
    Report report(std::string(info.name));
    Json payload;
    payload["via"] = "helper";
    payload["facts"] = facts;
    return report.print(inv->out.json, payload, [&] { printFacts(facts); });
}

} // namespace strata::cli
