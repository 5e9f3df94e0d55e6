// SPDX-License-Identifier: GPL-2.0-or-later
// strata-test-faultyfs BACKING MOUNTPOINT: the tests' own FUSE filesystem (libfuse
// low-level), a passthrough of BACKING with the writeback cache on, whose WRITE
// requests fail with EIO while it is told to (SIGUSR1: fail from now on, SIGUSR2:
// succeed again). With the writeback cache a write(2) lands in the page cache and
// succeeds; the failure comes when the kernel writes the page back, which records a
// writeback error on the superblock: what syncfs then reports, and what kernel
// overlayfs refuses a volatile mount for. Runs in the foreground, single-threaded;
// prints "mounted" once the mount exists; ends on unmount or SIGTERM. Path based and small on purpose: a test fixture.
#include <fuse_lowlevel.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

std::atomic<bool> g_failWrites {false};
std::string g_backing;
std::map<fuse_ino_t, std::string> g_paths {{FUSE_ROOT_ID, ""}};
std::map<std::string, fuse_ino_t> g_inos {{"", FUSE_ROOT_ID}};
fuse_ino_t g_next = FUSE_ROOT_ID + 1;

std::string real(const std::string &rel)
{
    return rel.empty() ? g_backing : g_backing + "/" + rel;
}

std::string child(fuse_ino_t parent, const char *name)
{
    const std::string &p = g_paths[parent];
    return p.empty() ? std::string(name) : p + "/" + name;
}

fuse_ino_t inoFor(const std::string &rel)
{
    auto [it, added] = g_inos.try_emplace(rel, g_next);
    if (added)
        g_paths[g_next++] = rel;
    return it->second;
}

void replyEntry(fuse_req_t req, const std::string &rel)
{
    fuse_entry_param e {};
    if (::lstat(real(rel).c_str(), &e.attr) != 0) {
        fuse_reply_err(req, errno);
        return;
    }
    e.ino = inoFor(rel);
    e.attr.st_ino = e.ino;
    e.attr_timeout = e.entry_timeout = 1.0;
    fuse_reply_entry(req, &e);
}

void opInit(void *, fuse_conn_info *conn)
{
    fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE);
}

void opLookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    replyEntry(req, child(parent, name));
}

void opGetattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info *)
{
    struct stat st;
    if (::lstat(real(g_paths[ino]).c_str(), &st) != 0)
        return (void)fuse_reply_err(req, errno);
    st.st_ino = ino;
    fuse_reply_attr(req, &st, 1.0);
}

void opSetattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, fuse_file_info *)
{
    const std::string p = real(g_paths[ino]);
    if ((to_set & FUSE_SET_ATTR_MODE) && ::chmod(p.c_str(), attr->st_mode) != 0)
        return (void)fuse_reply_err(req, errno);
    if ((to_set & FUSE_SET_ATTR_SIZE) && ::truncate(p.c_str(), attr->st_size) != 0)
        return (void)fuse_reply_err(req, errno);
    if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
        timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
        if (to_set & FUSE_SET_ATTR_ATIME)
            ts[0] = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? timespec {0, UTIME_NOW} : attr->st_atim;
        if (to_set & FUSE_SET_ATTR_MTIME)
            ts[1] = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? timespec {0, UTIME_NOW} : attr->st_mtim;
        ::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW);
    }
    opGetattr(req, ino, nullptr);
}

void opReaddir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info *)
{
    DIR *d = ::opendir(real(g_paths[ino]).c_str());
    if (!d)
        return (void)fuse_reply_err(req, errno);
    std::vector<char> buf(size);
    size_t used = 0;
    off_t i = 0;
    while (const dirent *e = ::readdir(d)) {
        if (i++ < off)
            continue;
        struct stat st {};
        st.st_ino = e->d_ino;
        st.st_mode = static_cast<mode_t>(DTTOIF(e->d_type));
        const size_t n = fuse_add_direntry(req, buf.data() + used, size - used, e->d_name, &st, i);
        if (n > size - used)
            break;
        used += n;
    }
    ::closedir(d);
    fuse_reply_buf(req, buf.data(), used);
}

void opOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info *fi)
{
    // The writeback cache may read a page it was asked to write: never O_WRONLY.
    int flags = fi->flags & ~(O_APPEND);
    if ((flags & O_ACCMODE) == O_WRONLY)
        flags = (flags & ~O_ACCMODE) | O_RDWR;
    const int fd = ::open(real(g_paths[ino]).c_str(), flags & ~O_CREAT);
    if (fd < 0)
        return (void)fuse_reply_err(req, errno);
    fi->fh = static_cast<uint64_t>(fd);
    fuse_reply_open(req, fi);
}

void opCreate(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, fuse_file_info *fi)
{
    const std::string rel = child(parent, name);
    int flags = fi->flags & ~O_APPEND;
    if ((flags & O_ACCMODE) == O_WRONLY)
        flags = (flags & ~O_ACCMODE) | O_RDWR;
    const int fd = ::open(real(rel).c_str(), flags | O_CREAT, mode);
    if (fd < 0)
        return (void)fuse_reply_err(req, errno);
    fi->fh = static_cast<uint64_t>(fd);
    fuse_entry_param e {};
    ::fstat(fd, &e.attr);
    e.ino = inoFor(rel);
    e.attr.st_ino = e.ino;
    e.attr_timeout = e.entry_timeout = 1.0;
    fuse_reply_create(req, &e, fi);
}

void opRead(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info *fi)
{
    std::vector<char> buf(size);
    const ssize_t n = ::pread(static_cast<int>(fi->fh), buf.data(), size, off);
    if (n < 0)
        return (void)fuse_reply_err(req, errno);
    fuse_reply_buf(req, buf.data(), static_cast<size_t>(n));
}

void opWrite(fuse_req_t req, fuse_ino_t, const char *data, size_t size, off_t off, fuse_file_info *fi)
{
    if (g_failWrites)
        return (void)fuse_reply_err(req, EIO);
    const ssize_t n = ::pwrite(static_cast<int>(fi->fh), data, size, off);
    if (n < 0)
        return (void)fuse_reply_err(req, errno);
    fuse_reply_write(req, static_cast<size_t>(n));
}

void opRelease(fuse_req_t req, fuse_ino_t, fuse_file_info *fi)
{
    ::close(static_cast<int>(fi->fh));
    fuse_reply_err(req, 0);
}

void opFsync(fuse_req_t req, fuse_ino_t, int, fuse_file_info *)
{
    fuse_reply_err(req, g_failWrites ? EIO : 0);
}

void opMkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    const std::string rel = child(parent, name);
    if (::mkdir(real(rel).c_str(), mode) != 0)
        return (void)fuse_reply_err(req, errno);
    replyEntry(req, rel);
}

void forgetPath(const std::string &rel)
{
    if (auto it = g_inos.find(rel); it != g_inos.end()) {
        g_paths.erase(it->second);
        g_inos.erase(it);
    }
}

void opUnlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    const std::string rel = child(parent, name);
    const int r = ::unlink(real(rel).c_str());
    fuse_reply_err(req, r == 0 ? 0 : errno);
}

void opRmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    const std::string rel = child(parent, name);
    const int r = ::rmdir(real(rel).c_str());
    fuse_reply_err(req, r == 0 ? 0 : errno);
}

void opRename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname,
              unsigned int flags)
{
    if (flags)
        return (void)fuse_reply_err(req, EINVAL);
    const std::string from = child(parent, name), to = child(newparent, newname);
    if (::rename(real(from).c_str(), real(to).c_str()) != 0)
        return (void)fuse_reply_err(req, errno);
    forgetPath(to);
    if (auto it = g_inos.find(from); it != g_inos.end()) {
        const fuse_ino_t ino = it->second;
        g_inos.erase(it);
        g_inos[to] = ino;
        g_paths[ino] = to;
    }
    fuse_reply_err(req, 0);
}

void opStatfs(fuse_req_t req, fuse_ino_t)
{
    struct statvfs sv;
    if (::statvfs(g_backing.c_str(), &sv) != 0)
        return (void)fuse_reply_err(req, errno);
    fuse_reply_statfs(req, &sv);
}

void onSignal(int sig)
{
    g_failWrites = sig == SIGUSR1;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s BACKING MOUNTPOINT\n", argv[0]);
        return 2;
    }
    g_backing = argv[1];
    std::signal(SIGUSR1, onSignal);
    std::signal(SIGUSR2, onSignal);
    fuse_lowlevel_ops ops {};
    ops.init = opInit;
    ops.lookup = opLookup;
    ops.getattr = opGetattr;
    ops.setattr = opSetattr;
    ops.readdir = opReaddir;
    ops.open = opOpen;
    ops.create = opCreate;
    ops.read = opRead;
    ops.write = opWrite;
    ops.release = opRelease;
    ops.fsync = opFsync;
    ops.mkdir = opMkdir;
    ops.unlink = opUnlink;
    ops.rmdir = opRmdir;
    ops.rename = opRename;
    ops.statfs = opStatfs;
    char prog[] = "strata-test-faultyfs", o[] = "-o", opts[] = "fsname=faultyfs,subtype=faultyfs";
    char *args[] = {prog, o, opts, nullptr};
    fuse_args fa = FUSE_ARGS_INIT(3, args);
    fuse_session *se = fuse_session_new(&fa, &ops, sizeof ops, nullptr);
    if (!se)
        return 1;
    if (fuse_set_signal_handlers(se) != 0 || fuse_session_mount(se, argv[2]) != 0) {
        std::fprintf(stderr, "strata-test-faultyfs: cannot mount %s\n", argv[2]);
        fuse_session_destroy(se);
        return 1;
    }
    // The runner waits for this line: the mount exists from here on (requests wait
    // in the kernel until the loop below answers INIT).
    std::printf("mounted\n");
    std::fflush(stdout);
    const int r = fuse_session_loop(se);
    fuse_session_unmount(se);
    fuse_remove_signal_handlers(se);
    fuse_session_destroy(se);
    return r == 0 ? 0 : 1;
}
