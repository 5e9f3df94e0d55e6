// SPDX-License-Identifier: GPL-2.0-or-later
#include "stackjson.h"

#include "ovl/values.h"
#include "stack/factformat.h"
#include "util/hex.h"

namespace strata::cli {

using namespace strata::stack;

namespace {

Json nullableLayer(int layer)
{
    return layer >= 0 ? Json(layer) : Json(nullptr);
}

void putAttrs(Json &j, const Attrs &a)
{
    j["type"] = fileTypeName(a.type);
    j["size"] = static_cast<int64_t>(a.size);
    j["mode"] = formatModeOctal(a.mode);
    j["uid"] = a.uid;
    j["gid"] = a.gid;
    j["nlink"] = static_cast<uint64_t>(a.nlink);
    j["mtime"] = timeJson(a.mtime);
    if (a.type == FileType::CharDevice || a.type == FileType::BlockDevice)
        j["rdev"] = deviceJson(a.rdev);
}

Json originJson(const OriginInfo &o)
{
    Json j;
    j["status"] = originStatusName(o.status);
    j["layer"] = nullableLayer(o.layer);
    j["path"] = o.layer >= 0 ? pathJson(o.path) : Json(nullptr);
    j["detail"] = o.detail.empty() ? Json(nullptr) : Json(o.detail);
    j["handle"] = o.handle ? fileHandleJson(*o.handle) : Json(nullptr);
    return j;
}

Json dataJson(const DataInfo &d)
{
    Json j;
    j["layer"] = nullableLayer(d.layer);
    j["path"] = d.layer >= 0 ? pathJson(d.path) : Json(nullptr);
    if (d.metacopy) {
        j["metacopy"] = Json {{"legacy", d.metacopy->legacy},
                              {"digest_algo", d.metacopy->digestAlgoName()},
                              {"digest_hex", toHex(d.metacopy->digest)}};
    } else {
        j["metacopy"] = nullptr;
    }
    return j;
}

} // namespace

Json uuidJson(const std::optional<std::array<uint8_t, 16>> &uuid)
{
    if (!uuid)
        return nullptr;
    return ovl::formatUuid(*uuid);
}

Json deviceJson(dev_t dev)
{
    return formatDevice(dev);
}

Json fileHandleJson(const ovl::FileHandle &fh)
{
    Json j;
    j["version"] = fh.version;
    j["flags"] = fh.flags;
    j["fid_type"] = fh.fidTypeName();
    j["fs_uuid"] = ovl::formatUuid(fh.uuid);
    j["fid_hex"] = toHex(fh.fid);
    if (const auto ig = fh.inoGen()) {
        j["ino"] = ig->ino;
        j["gen"] = ig->gen;
    }
    return j;
}

Json layerJson(const Layer &layer)
{
    Json j;
    j["index"] = layer.index;
    j["role"] = roleName(layer.role);
    j["path"] = pathJson(layer.path);
    j["fs_type"] = layer.fs.fsType;
    j["device"] = deviceJson(layer.fs.dev);
    j["fs_uuid"] = uuidJson(layer.fs.uuid);
    j["read_only"] = layer.fs.readOnly;
    j["remote"] = layer.fs.remote;
    return j;
}

Json layerRefsJson(const LayerStack &stack)
{
    Json arr = Json::array();
    for (const auto &l : stack.layers())
        arr.push_back(Json {{"index", l.index}, {"role", roleName(l.role)}, {"path", pathJson(l.path)}});
    return arr;
}

Json stackJson(const LayerStack &stack)
{
    const StackSpec &spec = stack.spec();
    Json j;
    Json source;
    source["kind"] = spec.sourceKind;
    source["mountpoint"] = spec.mountpoint.empty() ? Json(nullptr) : pathJson(spec.mountpoint);
    source["fstype"] = spec.fstype.empty() ? Json(nullptr) : Json(spec.fstype);
    j["source"] = std::move(source);
    j["name"] = spec.name.empty() ? Json(nullptr) : pathJson(spec.name);
    j["xattr_namespace"] = ovl::namespaceLabel(stack.xattrNamespace());
    j["overlay_xattrs_readable"] = stack.canReadOverlayXattrs();
    j["work"] = stack.workdir() ? pathJson(*stack.workdir()) : Json(nullptr);
    Json options = Json::array();
    for (const auto &[key, value] : spec.options)
        options.push_back(Json {{"key", key}, {"value", value ? pathJson(*value) : Json(nullptr)}});
    j["options"] = std::move(options);
    j["redirect_follow"] = stack.redirectFollow();
    j["metacopy"] = stack.metacopyEnabled();
    j["merged_layers"] = stack.mergedLayerCount();
    Json layers = Json::array();
    for (const auto &l : stack.layers())
        layers.push_back(layerJson(l));
    j["layers"] = std::move(layers);
    return j;
}

Json entryJson(const MergedEntry &e, const std::string &mergedPath)
{
    Json j;
    j["path"] = pathJson(mergedPath);
    j["name"] = pathJson(e.name);
    j["layer"] = e.layer;
    j["layer_path"] = pathJson(e.layerPath);
    Json states = Json::array();
    for (const auto s : stateNames(e.state))
        states.push_back(s);
    j["states"] = std::move(states);
    putAttrs(j, e.attrs);
    j["redirect"] = e.redirect ? pathJson(*e.redirect) : Json(nullptr);
    j["origin"] = e.origin ? originJson(*e.origin) : Json(nullptr);
    j["data"] = e.data ? dataJson(*e.data) : Json(nullptr);
    j["protattr"]
        = e.protattr ? Json {{"append", e.protattr->append}, {"immutable", e.protattr->immutable}} : Json(nullptr);
    j["dir_layers"] = e.dirLayers;
    Json shadowed = Json::array();
    for (const auto &s : e.shadowed)
        shadowed.push_back(Json {{"layer", s.layer},
                                 {"path", pathJson(s.path)},
                                 {"kind", shadowKindName(s.kind)},
                                 {"type", fileTypeName(s.attrs.type)},
                                 {"size", static_cast<int64_t>(s.attrs.size)}});
    j["shadowed"] = std::move(shadowed);
    j["problems"] = errorsJson(e.problems);
    return j;
}

} // namespace strata::cli
