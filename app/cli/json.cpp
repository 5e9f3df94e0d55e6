// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include "util/displayname.h"
#include "util/hex.h"

#include <cstdio>

namespace strata::cli {

Json pathJson(std::string_view bytes)
{
    if (isValidUtf8(bytes))
        return std::string(bytes);
    return Json {{"bytes_hex", toHex({reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()})}};
}

Json errorJson(const Error &e)
{
    Json j;
    j["subject"] = pathJson(e.subject);
    // Reasons may quote raw names; JSON strings must stay valid UTF-8.
    const auto text = [](const std::string &s) { return isValidUtf8(s) ? s : displayName(s); };
    j["reason"] = text(e.reason);
    j["errno"] = e.code;
    j["message"] = text(e.message());
    return j;
}

Json errorsJson(const std::vector<Error> &errors)
{
    Json arr = Json::array();
    for (const auto &e : errors)
        arr.push_back(errorJson(e));
    return arr;
}

Json timeJson(const timespec &t)
{
    return Json {{"sec", static_cast<int64_t>(t.tv_sec)}, {"nsec", static_cast<int64_t>(t.tv_nsec)}};
}

void printJson(const Json &doc)
{
    const std::string text = doc.dump(2, ' ', false, Json::error_handler_t::replace);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

} // namespace strata::cli
