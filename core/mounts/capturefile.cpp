// SPDX-License-Identifier: GPL-2.0-or-later
#include "capturefile.h"

#include "ovl/values.h"
#include "util/displayname.h"
#include "util/hex.h"
#include "util/jsonpath.h"
#include "util/wholefile.h"

#include <nlohmann/json.hpp>

#include <cerrno>

namespace strata::mounts {

using Json = nlohmann::ordered_json;

namespace {

std::string bytesHex(const std::vector<uint8_t> &b)
{
    return toHex(b);
}

Json layerJson(const CapturedLayer &l)
{
    Json fs;
    fs["type"] = l.id.fsType;
    fs["uuid"] = l.id.fsUuid ? Json(ovl::formatUuid(*l.id.fsUuid)) : Json(nullptr);
    fs["uuid_source"] = l.id.uuidSource;
    fs["device"] = std::to_string(l.id.devMajor) + ":" + std::to_string(l.id.devMinor);
    fs["mount_id"] = l.id.mountId;
    fs["mount_point"] = pathToJson(l.id.fsMountPoint);
    Json j;
    j["role"] = capturedRoleName(l.role);
    j["path"] = pathToJson(l.path);
    j["resolved_path"] = pathToJson(l.resolvedPath);
    j["fs"] = std::move(fs);
    j["handle"] = Json {{"type", l.id.handleType}, {"hex", bytesHex(l.id.handle)}};
    return j;
}

Json mountJson(const CapturedMount &m)
{
    Json j;
    j["mountpoint"] = pathToJson(m.mountPoint);
    j["backend"] = m.backend;
    j["fstype"] = m.fsType;
    j["source"] = pathToJson(m.source);
    j["super_options"] = pathToJson(m.superOptions);
    j["mount_options"] = m.mountOptions;
    Json opts = Json::array();
    for (const auto &o : m.options)
        opts.push_back(Json::array({o.key, o.value ? Json(*o.value) : Json(nullptr)}));
    j["options"] = std::move(opts);
    Json deps = Json::array();
    for (const auto &d : m.stacksOn)
        deps.push_back(pathToJson(d));
    j["stacks_on"] = std::move(deps);
    Json layers = Json::array();
    for (const auto &l : m.layers)
        layers.push_back(layerJson(l));
    j["layers"] = std::move(layers);
    if (m.upper) {
        Json u;
        u["xattr_namespace"] = m.upper->xattrNamespace;
        u["overlay_uuid"] = m.upper->overlayUuid ? Json(ovl::formatUuid(*m.upper->overlayUuid)) : Json(nullptr);
        u["root_origin"] = m.upper->rootOrigin ? Json(bytesHex(*m.upper->rootOrigin)) : Json(nullptr);
        u["index"] = m.upper->index;
        j["upper"] = std::move(u);
    } else {
        j["upper"] = nullptr;
    }
    return j;
}

// The strict reader: each accessor fails naming where in the file it looked.
class Reader {
public:
    explicit Reader(std::string origin)
        : m_origin(std::move(origin))
    { }

    void at(std::string where) { m_where = std::move(where); }

    Error error(const std::string &what) const
    {
        return makeError(m_origin, m_where.empty() ? what : m_where + ": " + what, EINVAL);
    }

    Result<const Json *> field(const Json &obj, const char *key) const
    {
        if (!obj.is_object())
            return fail(error("expected an object"));
        const auto it = obj.find(key);
        if (it == obj.end())
            return fail(error(std::string("missing \"") + key + "\""));
        return &*it;
    }
    Result<std::string> string(const Json &obj, const char *key) const
    {
        auto f = field(obj, key);
        if (!f)
            return fail(f.error());
        if (!(*f)->is_string())
            return fail(error(std::string("\"") + key + "\" is not a string"));
        return (*f)->get<std::string>();
    }
    Result<std::string> path(const Json &obj, const char *key) const
    {
        auto f = field(obj, key);
        if (!f)
            return fail(f.error());
        if (auto p = pathFromJson(**f))
            return std::move(*p);
        return fail(error(std::string("\"") + key + "\" is not a path (a string or {\"bytes_hex\": ...})"));
    }
    Result<std::vector<uint8_t>> hex(const Json &obj, const char *key) const
    {
        auto s = string(obj, key);
        if (!s)
            return fail(s.error());
        auto b = fromHex(*s);
        if (!b)
            return fail(error(std::string("\"") + key + "\" is not hex"));
        return *b;
    }
    Result<std::optional<FsUuid>> uuid(const Json &obj, const char *key) const
    {
        auto f = field(obj, key);
        if (!f)
            return fail(f.error());
        if ((*f)->is_null())
            return std::optional<FsUuid>();
        if ((*f)->is_string())
            if (auto u = uuidFromHex((*f)->get<std::string>()))
                return std::optional<FsUuid>(*u);
        return fail(error(std::string("\"") + key + "\" is not a uuid (or null)"));
    }
    template<class T>
    Result<T> number(const Json &obj, const char *key) const
    {
        auto f = field(obj, key);
        if (!f)
            return fail(f.error());
        if (!(*f)->is_number_integer() && !(*f)->is_number_unsigned())
            return fail(error(std::string("\"") + key + "\" is not an integer"));
        return (*f)->get<T>();
    }

private:
    std::string m_origin;
    std::string m_where;
};

#define TRY(var, expr)                                                                                                 \
    auto var = (expr);                                                                                                 \
    if (!var)                                                                                                          \
        return fail(var.error());

Result<CapturedLayer> parseLayer(Reader &r, const Json &j)
{
    CapturedLayer l;
    TRY(role, r.string(j, "role"));
    if (*role == "lower")
        l.role = CapturedRole::Lower;
    else if (*role == "data")
        l.role = CapturedRole::Data;
    else if (*role == "upper")
        l.role = CapturedRole::Upper;
    else if (*role == "work")
        l.role = CapturedRole::Work;
    else
        return fail(r.error("unknown role '" + *role + "'"));
    TRY(path, r.path(j, "path"));
    l.path = *path;
    TRY(resolved, r.path(j, "resolved_path"));
    l.resolvedPath = *resolved;
    if (l.resolvedPath.empty() || l.resolvedPath.front() != '/')
        return fail(r.error("\"resolved_path\" is not absolute"));
    TRY(fs, r.field(j, "fs"));
    TRY(type, r.string(**fs, "type"));
    l.id.fsType = *type;
    TRY(uuid, r.uuid(**fs, "uuid"));
    l.id.fsUuid = *uuid;
    TRY(source, r.string(**fs, "uuid_source"));
    l.id.uuidSource = *source;
    TRY(device, r.string(**fs, "device"));
    if (std::sscanf(device->c_str(), "%u:%u", &l.id.devMajor, &l.id.devMinor) != 2)
        return fail(r.error("\"device\" is not MAJOR:MINOR"));
    TRY(mountId, r.number<uint64_t>(**fs, "mount_id"));
    l.id.mountId = *mountId;
    TRY(mp, r.path(**fs, "mount_point"));
    l.id.fsMountPoint = *mp;
    TRY(handle, r.field(j, "handle"));
    TRY(htype, r.number<int>(**handle, "type"));
    l.id.handleType = *htype;
    TRY(hbytes, r.hex(**handle, "hex"));
    if (hbytes->empty() || hbytes->size() > 128)
        return fail(r.error("the handle has " + std::to_string(hbytes->size())
                            + " bytes; a file handle has 1 to 128 (MAX_HANDLE_SZ)"));
    l.id.handle = *hbytes;
    return l;
}

Result<CapturedMount> parseMount(Reader &r, const Json &j, const std::string &where)
{
    CapturedMount m;
    TRY(mp, r.path(j, "mountpoint"));
    m.mountPoint = *mp;
    r.at(where + " '" + m.mountPoint + "'");
    TRY(backend, r.string(j, "backend"));
    if (*backend != "overlay" && *backend != "strata-fuse")
        return fail(r.error("unknown backend '" + *backend + "' (overlay or strata-fuse)"));
    m.backend = *backend;
    TRY(fstype, r.string(j, "fstype"));
    m.fsType = *fstype;
    TRY(source, r.path(j, "source"));
    m.source = *source;
    TRY(super, r.path(j, "super_options"));
    m.superOptions = *super;
    TRY(vfs, r.string(j, "mount_options"));
    m.mountOptions = *vfs;
    TRY(opts, r.field(j, "options"));
    if (!(*opts)->is_array())
        return fail(r.error("\"options\" is not an array"));
    for (const auto &o : **opts) {
        if (!o.is_array() || o.size() != 2 || !o[0].is_string() || !(o[1].is_string() || o[1].is_null()))
            return fail(r.error("an option is not [key, value|null]"));
        m.options.push_back({o[0].get<std::string>(),
                             o[1].is_null() ? std::nullopt : std::optional<std::string>(o[1].get<std::string>())});
    }
    TRY(deps, r.field(j, "stacks_on"));
    if (!(*deps)->is_array())
        return fail(r.error("\"stacks_on\" is not an array"));
    for (const auto &d : **deps) {
        if (!d.is_string())
            return fail(r.error("\"stacks_on\" holds a non-path"));
        m.stacksOn.push_back(d.get<std::string>());
    }
    TRY(layers, r.field(j, "layers"));
    if (!(*layers)->is_array() || (*layers)->empty())
        return fail(r.error("\"layers\" is not a non-empty array"));
    const std::string mountWhere = where + " '" + m.mountPoint + "'";
    for (size_t i = 0; i < (*layers)->size(); ++i) {
        r.at(mountWhere + ", layer " + std::to_string(i));
        const Json &lj = (**layers)[i];
        if (lj.is_object() && lj.contains("path") && lj["path"].is_string())
            r.at(mountWhere + ", layer " + std::to_string(i) + " '" + lj["path"].get<std::string>() + "'");
        auto l = parseLayer(r, lj);
        if (!l)
            return fail(l.error());
        m.layers.push_back(std::move(*l));
    }
    r.at(mountWhere);
    const size_t lowers = m.layersOf(CapturedRole::Lower).size();
    const size_t uppers = m.layersOf(CapturedRole::Upper).size();
    const size_t works = m.layersOf(CapturedRole::Work).size();
    if (lowers == 0 || uppers > 1 || uppers != works)
        return fail(r.error("needs at least one lower layer and at most one upper with its work dir"));
    if (lowers + m.layersOf(CapturedRole::Data).size() > kMaxLowerLayers)
        return fail(r.error("more than 500 lower layers (the kernel's OVL_MAX_STACK)"));
    TRY(upper, r.field(j, "upper"));
    if (!(*upper)->is_null()) {
        UpperFacts u;
        TRY(ns, r.string(**upper, "xattr_namespace"));
        if (*ns != "trusted" && *ns != "user")
            return fail(r.error("\"xattr_namespace\" is neither trusted nor user"));
        u.xattrNamespace = *ns;
        TRY(ouuid, r.uuid(**upper, "overlay_uuid"));
        u.overlayUuid = *ouuid;
        TRY(origin, r.field(**upper, "root_origin"));
        if (!(*origin)->is_null()) {
            TRY(bytes, r.hex(**upper, "root_origin"));
            u.rootOrigin = *bytes;
        }
        TRY(index, r.field(**upper, "index"));
        if (!(*index)->is_boolean())
            return fail(r.error("\"index\" is not true or false"));
        u.index = (*index)->get<bool>();
        m.upper = std::move(u);
    }
    if (uppers != (m.upper ? 1u : 0u))
        return fail(r.error("\"upper\" facts and the upper layer do not go together"));
    return m;
}

#undef TRY

} // namespace

std::string captureToJson(const Capture &capture)
{
    Json j;
    j["format"] = kCaptureFormat;
    j["version"] = capture.version;
    j["kernel"] = capture.kernel;
    Json mounts = Json::array();
    for (const auto &m : capture.mounts)
        mounts.push_back(mountJson(m));
    j["mounts"] = std::move(mounts);
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

bool looksLikeCapture(std::string_view text)
{
    const Json j = Json::parse(text, nullptr, false);
    return j.is_object() && j.contains("format") && j["format"] == kCaptureFormat;
}

Result<Capture> captureFromJson(std::string_view json, std::string_view origin)
{
    Reader r {std::string(origin)};
    const Json j = Json::parse(json, nullptr, false);
    if (j.is_discarded())
        return fail(r.error("not valid JSON (truncated or damaged)"));
    if (!j.is_object() || !j.contains("format") || j["format"] != kCaptureFormat)
        return fail(r.error("not a capture file (\"format\" is not \"strata-capture\")"));
    Capture cap;
    auto version = r.number<int>(j, "version");
    if (!version)
        return fail(version.error());
    if (*version != kCaptureVersion)
        return fail(r.error("capture format version " + std::to_string(*version) + " is not known (this reads version "
                            + std::to_string(kCaptureVersion) + ")"));
    cap.version = *version;
    auto kernel = r.string(j, "kernel");
    if (!kernel)
        return fail(kernel.error());
    cap.kernel = *kernel;
    auto mounts = r.field(j, "mounts");
    if (!mounts)
        return fail(mounts.error());
    if (!(*mounts)->is_array())
        return fail(r.error("\"mounts\" is not an array"));
    for (size_t i = 0; i < (*mounts)->size(); ++i) {
        const std::string where = "mount " + std::to_string(i);
        r.at(where);
        auto m = parseMount(r, (**mounts)[i], where);
        if (!m)
            return fail(m.error());
        cap.mounts.push_back(std::move(*m));
    }
    return cap;
}

Result<Capture> readCaptureFile(const std::string &path)
{
    auto text = readWholeFile(path);
    if (!text)
        return fail(text.error());
    if (!*text)
        return fail(sysError(errno, path, "cannot open capture file"));
    return captureFromJson(**text, path);
}

Result<void> writeCaptureFile(const std::string &path, const Capture &capture)
{
    return writeFileAtomic(path, captureToJson(capture));
}

} // namespace strata::mounts
