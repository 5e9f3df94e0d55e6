// SPDX-License-Identifier: GPL-2.0-or-later
#include "watchjson.h"

#include "stack/factformat.h"
#include "textformat.h"
#include "util/displayname.h"

#include <cstdio>

namespace strata::cli {

using namespace strata::watch;

namespace {

template<class Names>
Json namesJson(const Names &names)
{
    Json arr = Json::array();
    for (const auto n : names)
        arr.push_back(std::string(n));
    return arr;
}

// "created,modified": one token in a text line.
template<class Names>
std::string namesText(const Names &names)
{
    std::string out;
    for (const auto n : names) {
        if (!out.empty())
            out += ',';
        out += n;
    }
    return out;
}

} // namespace

Json factsJson(const std::optional<EntryFacts> &f)
{
    if (!f)
        return nullptr;
    Json j;
    j["layer"] = f->layer;
    j["visible"] = f->visible();
    j["type"] = f->visible() ? Json(std::string(stack::fileTypeName(f->type))) : Json("whiteout");
    j["state"] = namesJson(stack::stateNames(f->state));
    j["size"] = static_cast<int64_t>(f->size);
    j["mode"] = stack::formatModeOctal(f->mode);
    j["data_layer"] = f->dataLayer >= 0 ? Json(f->dataLayer) : Json(nullptr);
    return j;
}

Json effectJson(const Effect &e)
{
    Json j;
    j["merged_path"] = e.inView ? pathJson(e.mergedPath) : Json(nullptr);
    j["effect"] = namesJson(effectKindNames(e.kinds));
    j["before"] = factsJson(e.before);
    j["after"] = factsJson(e.after);
    j["note"] = e.note.empty() ? Json(nullptr) : Json(e.note);
    return j;
}

Json layerWatchJson(const LayerWatch &w)
{
    Json j;
    j["type"] = "layer";
    j["layer"] = w.layer;
    j["role"] = std::string(stack::roleName(w.role));
    j["method"] = std::string(methodName(w.method));
    j["reason"] = w.reason;
    return j;
}

Json changeJson(const LayerChange &c)
{
    Json j;
    j["type"] = "change";
    j["time"] = timeJson(c.time);
    j["layer"] = c.layer;
    j["role"] = std::string(stack::roleName(c.role));
    j["path"] = pathJson(c.path);
    j["kinds"] = namesJson(changeKindNames(c.kinds));
    j["is_dir"] = c.isDir;
    j["other_path"] = c.otherPath.empty() ? Json(nullptr) : pathJson(c.otherPath);
    return j;
}

Json discrepancyJson(const Discrepancy &d)
{
    Json j;
    j["kind"] = std::string(discrepancyKindName(d.kind));
    j["path"] = pathJson(d.path);
    j["fact"] = d.fact.empty() ? Json(nullptr) : Json(d.fact);
    j["mount"] = d.mountValue.empty() ? Json(nullptr) : Json(d.mountValue);
    j["layers"] = d.layersValue.empty() ? Json(nullptr) : Json(d.layersValue);
    j["layer"] = d.layer >= 0 ? Json(d.layer) : Json(nullptr);
    return j;
}

std::string discrepancyText(const Discrepancy &d)
{
    std::string line = std::string(discrepancyKindName(d.kind)) + "  " + (d.path.empty() ? "/" : displayName(d.path));
    if (!d.fact.empty())
        line += "  " + d.fact;
    line += "  (mount: " + (d.mountValue.empty() ? std::string("-") : d.mountValue)
        + "; layers: " + (d.layersValue.empty() ? std::string("-") : d.layersValue);
    if (d.layer >= 0)
        line += " from layer " + std::to_string(d.layer);
    return line + ")";
}

std::string factsText(const std::optional<EntryFacts> &f)
{
    if (!f)
        return "-";
    if (!f->visible())
        return "whiteout L" + std::to_string(f->layer);
    std::string s = "L" + std::to_string(f->layer) + " " + std::string(stack::fileTypeName(f->type));
    if (f->type != stack::FileType::Directory)
        s += " " + std::to_string(f->size) + "B";
    s += " " + stack::formatModeOctal(f->mode);
    const std::string states = stack::formatStates(f->state); // as every other listing shows them
    if (!states.empty())
        s += " " + states;
    return s;
}

std::string effectText(const Effect &e)
{
    if (!e.inView)
        return "(no merged path: " + e.note + ")";
    const std::string path = e.mergedPath.empty() ? "/" : displayName(e.mergedPath);
    if (e.kinds == 0)
        return path + ": no effect (" + e.note + ")";
    return path + ": " + namesText(effectKindNames(e.kinds)) + " [" + factsText(e.before) + " -> " + factsText(e.after)
        + "]";
}

std::string clockText(const timespec &t)
{
    struct tm tm {};
    ::localtime_r(&t.tv_sec, &tm);
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec / 1000000);
    return buf;
}

} // namespace strata::cli
