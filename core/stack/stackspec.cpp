// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackspec.h"

#include "util/displayname.h"
#include "util/hex.h"
#include "util/jsonpath.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace strata::stack {

using nlohmann::ordered_json;

const std::optional<std::string> *StackSpec::option(std::string_view key) const
{
    for (const auto &[k, v] : options)
        if (k == key)
            return &v;
    return nullptr;
}

namespace {

// A path of the file (util/jsonpath.h), or an error naming where it was expected.
Result<std::string> pathAt(const ordered_json &j, const std::string &where)
{
    if (auto p = pathFromJson(j))
        return std::move(*p);
    if (j.is_object() && j.contains("bytes_hex") && j["bytes_hex"].is_string())
        return fail(makeError(where, "bytes_hex is not valid hex"));
    return fail(makeError(where, "expected a path (a string, or {\"bytes_hex\": HEX})"));
}

Result<std::vector<std::string>> pathList(const ordered_json &root, const char *key, const std::string &origin)
{
    std::vector<std::string> out;
    if (!root.contains(key))
        return out;
    const auto &arr = root[key];
    if (!arr.is_array())
        return fail(makeError(origin, std::string("\"") + key + "\" must be an array of paths"));
    for (size_t i = 0; i < arr.size(); ++i) {
        auto p = pathAt(arr[i], origin + ": " + key + "[" + std::to_string(i) + "]");
        if (!p)
            return fail(p.error());
        if (p->empty())
            return fail(makeError(origin, std::string(key) + "[" + std::to_string(i) + "] is empty"));
        out.push_back(std::move(*p));
    }
    return out;
}

} // namespace

std::string toJson(const StackSpec &spec)
{
    ordered_json j;
    j["schema"] = kStackSchemaVersion;
    if (!spec.name.empty())
        j["name"] = pathToJson(spec.name);
    j["lower"] = ordered_json::array();
    for (const auto &l : spec.lower)
        j["lower"].push_back(pathToJson(l));
    if (!spec.data.empty()) {
        j["data"] = ordered_json::array();
        for (const auto &d : spec.data)
            j["data"].push_back(pathToJson(d));
    }
    if (spec.upper)
        j["upper"] = pathToJson(*spec.upper);
    if (spec.work)
        j["work"] = pathToJson(*spec.work);
    if (spec.xattrNamespace)
        j["xattr_namespace"] = *spec.xattrNamespace == ovl::Namespace::User ? "user" : "trusted";
    j["options"] = ordered_json::array();
    for (const auto &[k, v] : spec.options)
        j["options"].push_back(ordered_json::array({k, v ? ordered_json(*v) : ordered_json(nullptr)}));
    if (!spec.sourceKind.empty()) {
        ordered_json src {{"kind", spec.sourceKind}};
        if (!spec.mountpoint.empty())
            src["mountpoint"] = pathToJson(spec.mountpoint);
        if (!spec.fstype.empty())
            src["fstype"] = spec.fstype;
        j["source"] = src;
    }
    return j.dump(2) + "\n";
}

Result<StackSpec> stackSpecFromJson(std::string_view json, std::string_view originView)
{
    const std::string origin(originView);
    ordered_json root;
    try {
        root = ordered_json::parse(json);
    } catch (const nlohmann::json::parse_error &e) {
        // e.byte is the 1-based offset of the error.
        return fail(makeError(origin,
                              "malformed JSON at byte " + std::to_string(e.byte) + ": "
                                  + std::string(e.what()).substr(std::string(e.what()).find(':') + 2)));
    } catch (const nlohmann::json::exception &e) {
        // Anything else the parser refuses (a number out of range: found by fuzzing).
        const std::string what = e.what();
        return fail(makeError(origin, "malformed JSON: " + what.substr(what.find(']') + 2)));
    }
    if (!root.is_object())
        return fail(makeError(origin, "a stack file must hold a JSON object"));
    if (!root.contains("schema") || !root["schema"].is_number_integer())
        return fail(makeError(origin, "missing \"schema\" (the stack file format version)"));
    // 64 bits: a huge number must not wrap around to the supported version.
    const int64_t schema = root["schema"].get<int64_t>();
    if (schema != kStackSchemaVersion)
        return fail(makeError(origin,
                              "schema " + std::to_string(schema) + " is not supported (this Strata reads "
                                  + std::to_string(kStackSchemaVersion) + ")"));
    StackSpec spec;
    if (root.contains("name")) {
        auto n = pathAt(root["name"], origin + ": name");
        if (!n)
            return fail(n.error());
        spec.name = *n;
    }
    auto lower = pathList(root, "lower", origin);
    if (!lower)
        return fail(lower.error());
    spec.lower = std::move(*lower);
    auto data = pathList(root, "data", origin);
    if (!data)
        return fail(data.error());
    spec.data = std::move(*data);
    for (const char *key : {"upper", "work"}) {
        if (!root.contains(key) || root[key].is_null())
            continue;
        auto p = pathAt(root[key], origin + ": " + key);
        if (!p)
            return fail(p.error());
        (std::string_view(key) == "upper" ? spec.upper : spec.work) = *p;
    }
    if (spec.lower.empty() && !spec.upper)
        return fail(makeError(origin, "the stack has no layers (\"lower\" is empty and there is no \"upper\")"));
    if (root.contains("xattr_namespace")) {
        const auto &ns = root["xattr_namespace"];
        if (ns == "user")
            spec.xattrNamespace = ovl::Namespace::User;
        else if (ns == "trusted")
            spec.xattrNamespace = ovl::Namespace::Trusted;
        else
            return fail(makeError(origin, "\"xattr_namespace\" must be \"trusted\" or \"user\""));
    }
    if (root.contains("options")) {
        const auto &opts = root["options"];
        if (!opts.is_array())
            return fail(makeError(origin, "\"options\" must be an array of [key, value] pairs"));
        for (const auto &o : opts) {
            if (!o.is_array() || o.size() != 2 || !o[0].is_string() || !(o[1].is_string() || o[1].is_null()))
                return fail(makeError(origin, "each option must be [\"key\", \"value\"] or [\"key\", null]"));
            spec.options.emplace_back(o[0].get<std::string>(),
                                      o[1].is_null() ? std::nullopt : std::optional(o[1].get<std::string>()));
        }
    }
    if (root.contains("source") && root["source"].is_object()) {
        const auto &src = root["source"];
        if (src.contains("kind") && src["kind"].is_string())
            spec.sourceKind = src["kind"].get<std::string>();
        if (src.contains("mountpoint")) {
            if (auto mp = pathAt(src["mountpoint"], origin + ": source.mountpoint"))
                spec.mountpoint = *mp;
        }
        if (src.contains("fstype") && src["fstype"].is_string())
            spec.fstype = src["fstype"].get<std::string>();
    }
    return spec;
}

} // namespace strata::stack
