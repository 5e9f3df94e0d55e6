// SPDX-License-Identifier: GPL-2.0-or-later
// Reading and writing stack files on disk. Apart from stackspec.cpp (the JSON form
// alone) so that the parser has no dependency on capture files or the filesystem:
// the fuzz targets build it on its own.
#include "stackspec.h"

#include "capturespec.h"
#include "mounts/capturefile.h"
#include "util/wholefile.h"

#include <cerrno>

namespace strata::stack {

Result<StackSpec> readStackFile(const std::string &path)
{
    auto read = readWholeFile(path);
    if (!read)
        return fail(sysError(read.error().code, path, "cannot read stack file"));
    if (!*read)
        return fail(sysError(errno, path, "cannot open stack file"));
    const std::string &text = **read;
    // A capture file (stratactl capture) opens as the stack of its mount.
    if (mounts::looksLikeCapture(text)) {
        auto capture = mounts::captureFromJson(text, path);
        if (!capture)
            return fail(capture.error());
        return specFromCapture(*capture, path);
    }
    return stackSpecFromJson(text, path);
}

Result<void> writeStackFile(const std::string &path, const StackSpec &spec)
{
    return writeFileAtomic(path, toJson(spec));
}

} // namespace strata::stack
