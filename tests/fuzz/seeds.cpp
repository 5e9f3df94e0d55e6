// SPDX-License-Identifier: GPL-2.0-or-later
// strata-fuzz-seeds DIR: writes the fuzz targets' seed corpora (DIR/<target>/) from
// real values: the demo stack's overlay xattrs as core's writers put them on disk,
// the index names of its origin handles, its stack file, the mount data and
// strata-fuse command line it is mounted with, its layer paths, and (as root) the
// capture files of it mounted by the kernel, alone and stacked under a second
// overlay. The committed corpora in tests/fuzz/corpus come from here (./dev fuzz --seeds refreshes them).
#include "mounts/capture.h"
#include "mounts/capturefile.h"
#include "mounts/overlaymount.h"
#include "mounts/overlayoptions.h"
#include "ovl/filehandle.h"
#include "stack/demostack.h"
#include "stack/mountoptions.h"
#include "stack/stackspec.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sched.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace strata;
namespace fs = std::filesystem;
using namespace std::string_literals; // "a\0b"s keeps its NUL

namespace {

int g_written = 0;

void write(const fs::path &dir, const std::string &name, std::string_view bytes)
{
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ++g_written;
}

std::string xattr(const fs::path &p, const std::string &name)
{
    const ssize_t n = ::lgetxattr(p.c_str(), name.c_str(), nullptr, 0);
    if (n <= 0)
        return {};
    std::string v(static_cast<size_t>(n), '\0');
    const ssize_t got = ::lgetxattr(p.c_str(), name.c_str(), v.data(), v.size());
    v.resize(got > 0 ? static_cast<size_t>(got) : 0);
    return v;
}

std::vector<std::string> xattrNames(const fs::path &p)
{
    const ssize_t n = ::llistxattr(p.c_str(), nullptr, 0);
    if (n <= 0)
        return {};
    std::string buf(static_cast<size_t>(n), '\0');
    const ssize_t got = ::llistxattr(p.c_str(), buf.data(), buf.size());
    std::vector<std::string> out;
    for (size_t at = 0; got > 0 && at < static_cast<size_t>(got);) {
        out.emplace_back(buf.c_str() + at);
        at += out.back().size() + 1;
    }
    return out;
}

// Capture files as `stratactl capture` writes them: the demo stack mounted by the
// kernel (root only, in a mount namespace of this process), alone and with a second
// overlay stacked on it (stacks_on). Without root there are none, and it says so.
void writeCaptureSeeds(const stack::StackSpec &spec, const fs::path &demo, const fs::path &out)
{
    if (::geteuid() != 0 || ::unshare(CLONE_NEWNS) != 0
        || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        std::fprintf(stderr, "strata-fuzz-seeds: no capture files: mounting needs root (%s)\n",
                     ::geteuid() != 0 ? "not root" : std::strerror(errno));
        return;
    }
    const fs::path merged = demo / "merged", top = demo / "stacked";
    for (const auto &d : {merged, top, demo / "stacked-upper", demo / "stacked-work"})
        fs::create_directories(d);
    // The demo is a user-xattr stack, with which the kernel refuses redirect_dir=on
    // and metacopy=on ("conflicting options"): its layers are mounted without them.
    mounts::OverlayOptions options = stack::overlayOptionsFor(spec);
    std::erase_if(options.others, [](const auto &o) { return o.key == "redirect_dir" || o.key == "metacopy"; });
    if (auto m = mounts::mountOverlay(options, merged); !m) {
        std::fprintf(stderr, "strata-fuzz-seeds: no capture files: %s\n", m.error().message().c_str());
        return;
    }
    mounts::OverlayOptions stacked;
    stacked.lowers = {merged.string()};
    stacked.upper = (demo / "stacked-upper").string();
    stacked.work = (demo / "stacked-work").string();
    const bool both = bool(mounts::mountOverlay(stacked, top));
    for (const auto &[name, points] :
         {std::pair {"demo.json", std::vector {merged.string()}},
          std::pair {"stacked.json",
                     both ? std::vector {merged.string(), top.string()} : std::vector<std::string> {}}}) {
        if (points.empty())
            continue;
        if (auto cap = mounts::captureMounts(points))
            write(out / "capturefile", name, mounts::captureToJson(*cap));
        else
            std::fprintf(stderr, "strata-fuzz-seeds: %s: %s\n", name, cap.error().message().c_str());
    }
    if (both)
        (void)mounts::unmount(top.string());
    (void)mounts::unmount(merged.string());
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: strata-fuzz-seeds DIR\n");
        return 2;
    }
    const fs::path out = argv[1];
    char tmpl[] = "/tmp/strata-seeds.XXXXXX";
    if (!::mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return 1;
    }
    const fs::path demo = tmpl;
    auto spec = stack::createDemoStack(demo);
    if (!spec) {
        std::fprintf(stderr, "strata-fuzz-seeds: %s\n", spec.error().message().c_str());
        return 1;
    }

    // Each overlay xattr value goes to the decoder that reads it: xattrvalues takes a
    // selector byte first (see fuzz_xattrvalues.cpp), handles go to filehandle.
    const std::map<std::string, char> selector
        = {{"opaque", 0}, {"redirect", 1}, {"metacopy", 2}, {"nlink", 3}, {"protattr", 4}, {"uuid", 5}, {"impure", 6}};
    int n = 0;
    for (const auto &entry : fs::recursive_directory_iterator(demo)) {
        for (const std::string &name : xattrNames(entry.path())) {
            const size_t dot = name.rfind('.');
            if (name.find(".overlay.") == std::string::npos || dot == std::string::npos)
                continue;
            const std::string suffix = name.substr(dot + 1);
            const std::string value = xattr(entry.path(), name);
            const std::string id = suffix + "-" + std::to_string(++n);
            if (suffix == "origin" || suffix == "upper") {
                write(out / "filehandle", id, value);
                const std::span bytes(reinterpret_cast<const uint8_t *>(value.data()), value.size());
                if (auto fh = ovl::decodeFileHandle(bytes))
                    write(out / "indexname", id, ovl::indexName(*fh));
            } else if (auto it = selector.find(suffix); it != selector.end()) {
                write(out / "xattrvalues", id, std::string(1, it->second) + value);
            }
        }
    }
    for (const auto &[suffix, sel] : selector)
        write(out / "xattrvalues", suffix + "-empty", std::string(1, sel));
    write(out / "xattrvalues", "name", std::string(1, 7) + "caf\xc3\xa9\n\x01\xff");

    std::ifstream file(demo / "stack.json", std::ios::binary);
    write(out / "stackfile", "demo.json", std::string(std::istreambuf_iterator<char>(file), {}));

    // The mount data as mount(2) takes it and as mountinfo shows it (commas between
    // options, a data layer after "::"), and as strata-fuse's -o.
    mounts::OverlayOptions options = stack::overlayOptionsFor(*spec);
    options.dataLayers.push_back((demo / "lower1").string());
    if (auto data = mounts::formatLegacyMountData(options)) {
        write(out / "mountoptions", "legacy", "rw,relatime," + *data);
        write(out / "engineoptions", "mount-o", "-o\0"s + *data + "\0/mnt"s);
        write(out / "engineoptions", "mount-fuse3", "strata\0/mnt\0-o\0rw,nosuid,nodev,"s + *data);
    }
    write(out / "mountoptions", "per-layer",
          "rw,lowerdir+=" + spec->lower.front() + ",datadir+=/d\\:x,upperdir=" + spec->upper.value_or("/u")
              + ",workdir=" + spec->work.value_or("/w") + ",redirect_dir=on,metacopy=on,uuid=on,userxattr");
    if (auto lower = mounts::formatLowerdir(spec->lower, std::vector<std::string> {"/data\\:1"}))
        write(out / "mountoptions", "lowerdir", *lower);

    // The helper's strings: layer paths, a stack name, options.
    write(out / "helperargs", "path", "\x00"s + spec->lower.front());
    write(out / "helperargs", "system", "\x01/usr/lib/x"s);
    write(out / "helperargs", "name", "\x02" + spec->name);
    write(out / "helperargs", "option", "\x03redirect_dir=on");
    write(out / "helperargs", "option-flag", "\x03userxattr");

    writeCaptureSeeds(*spec, demo, out);

    fs::remove_all(demo);
    std::printf("strata-fuzz-seeds: %d seeds in %s\n", g_written, out.c_str());
    return 0;
}
