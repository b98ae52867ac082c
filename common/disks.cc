#include "common/disks.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/fd.h"
#include "common/guest_setup.h"
#include "common/log.h"
#include "common/status.h"
#include "common/subprocess.h"

namespace runcvm {
namespace {

std::string Dirname(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

// mke2fs -q -F -t <fs> -d <dir> <file>: formats and copies <dir>'s tree in (the seed's issue #15:
// a disk at /var/lib/docker keeps what the image had there). Its output goes to the error.
absl::Status Format(const DiskSpec& disk, const DiskPrepPaths& paths) {
  const std::string populate = absl::StrCat(paths.vm_root, disk.dst);
  RETURN_IF_ERROR(MkdirAll(populate, 0755));
  std::vector<std::string> argv = {paths.mke2fs, "-q", "-F",     "-t",
                                   disk.fs,      "-d", populate, disk.src};
  // /run: the container-only tmpfs (an image may have no /tmp).
  char log_path[] = "/run/runcvm-mke2fs.XXXXXX";
  UniqueFd log(mkstemp(log_path));
  if (!log.valid()) return ErrnoError(errno, "mkstemp for mke2fs's output");
  unlink(log_path);
  SubprocessOptions options;
  options.stdout_fd = log.get();
  options.stderr_fd = log.get();
  ASSIGN_OR_RETURN(pid_t pid, StartSubprocess(argv, options));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  std::string out(4096, '\0');
  ssize_t n = pread(log.get(), out.data(), out.size(), 0);
  out.resize(n > 0 ? n : 0);
  absl::StrReplaceAll({{"\n", " "}}, &out);
  return absl::FailedPreconditionError(absl::StrCat("mke2fs -t ", disk.fs, " -d ", populate, " ",
                                                    disk.src,
                                                    " failed: ", absl::StripAsciiWhitespace(out)));
}

// The directories that creating `dir` makes, deepest first, so that a failure can take them away
// again: a failed docker run leaves nothing behind.
std::vector<std::string> MissingDirectories(std::string dir) {
  std::vector<std::string> missing;
  while (!dir.empty() && dir != "/" && !PathExists(dir)) {
    missing.push_back(dir);
    dir = Dirname(dir);
  }
  return missing;
}

// Takes back what a failed PrepareDisks made: backing files, then directories deepest first.
void RemoveCreated(const std::vector<std::string>& files, const std::vector<std::string>& dirs) {
  for (const std::string& path : files) unlink(path.c_str());
  for (const std::string& dir : dirs) rmdir(dir.c_str());
}

// `new_dirs` gets the directories made for the backing file (deepest first).
absl::Status PrepareDisk(const DiskSpec& disk, const DiskPrepPaths& paths,
                         std::vector<std::string>& new_dirs) {
  struct stat st;
  if (lstat(disk.src.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return absl::FailedPreconditionError("not a regular file");
    // Reused as it is: its data is the point of keeping it.
    LogDebug(absl::StrCat("RUNCVM_DISKS: reusing ", disk.src));
    return absl::OkStatus();
  }
  if (errno != ENOENT) return ErrnoError(errno, "stat");
  if (disk.size_bytes <= 0) {
    return absl::FailedPreconditionError("does not exist and no <size> was given to create it");
  }
  std::vector<std::string> missing = MissingDirectories(Dirname(disk.src));
  new_dirs.insert(new_dirs.begin(), missing.begin(), missing.end());
  RETURN_IF_ERROR(MkdirAll(Dirname(disk.src), 0755));
  {
    UniqueFd fd(open(disk.src.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid()) return ErrnoError(errno, "create");
    if (ftruncate(fd.get(), disk.size_bytes) != 0) {
      absl::Status st = ErrnoError(errno, absl::StrCat("truncate to ", disk.size_bytes, " bytes"));
      unlink(disk.src.c_str());
      return st;
    }
  }
  if (absl::Status formatted = Format(disk, paths); !formatted.ok()) {
    unlink(disk.src.c_str());
    return formatted;
  }
  LogDebug(absl::StrCat("RUNCVM_DISKS: created ", disk.src, " (", disk.fs, ", ", disk.size_bytes,
                        " bytes)"));
  return absl::OkStatus();
}

}  // namespace

absl::Status PrepareDisks(std::span<const DiskSpec> disks, const DiskPrepPaths& paths) {
  if (disks.empty()) return absl::OkStatus();
  std::string fstab;
  std::vector<std::string> created;
  std::vector<std::string> created_dirs;  // deepest first
  for (size_t i = 0; i < disks.size(); ++i) {
    const DiskSpec& disk = disks[i];
    bool existed = PathExists(disk.src);
    if (absl::Status st = PrepareDisk(disk, paths, created_dirs); !st.ok()) {
      RemoveCreated(created, created_dirs);
      return Annotate(st, absl::StrCat("RUNCVM_DISKS: '", disk.src, "'"));
    }
    if (!existed) created.push_back(disk.src);
    absl::StrAppend(&fstab, DiskFstabLine(disk, i), "\n");
  }
  if (absl::Status st = WriteFileAtomic(paths.fstab, fstab, 0644); !st.ok()) {
    RemoveCreated(created, created_dirs);
    return Annotate(st, "RUNCVM_DISKS");
  }
  return absl::OkStatus();
}

absl::Status MountDisks(const std::string& fstab_path) {
  if (!PathExists(fstab_path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string fstab, ReadFile(fstab_path));
  // udev's 60-persistent-storage rule: /dev/disk/by-id/virtio-<serial> -> ../../vdX.
  RETURN_IF_ERROR(MkdirAll("/dev/disk/by-id", 0755));
  if (DIR* dir = opendir("/sys/block")) {
    while (struct dirent* e = readdir(dir)) {
      if (!absl::StartsWith(e->d_name, "vd")) continue;
      absl::StatusOr<std::string> serial =
          ReadFile(absl::StrCat("/sys/block/", e->d_name, "/serial"));
      if (!serial.ok()) continue;
      std::string link =
          absl::StrCat("/dev/disk/by-id/virtio-", absl::StripAsciiWhitespace(*serial));
      unlink(link.c_str());
      if (symlink(absl::StrCat("../../", e->d_name).c_str(), link.c_str()) != 0) {
        closedir(dir);
        return ErrnoError(errno, absl::StrCat("symlink ", link));
      }
    }
    closedir(dir);
  }
  for (std::string_view line : absl::StrSplit(fstab, '\n', absl::SkipWhitespace())) {
    std::vector<std::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 4 || absl::StartsWith(f[0], "#")) continue;
    const std::string target(f[1]), type(f[2]);
    // The device itself rather than the link, as mount(8) does: /proc/mounts then says /dev/vda.
    char resolved[PATH_MAX];
    const std::string device =
        realpath(std::string(f[0]).c_str(), resolved) != nullptr ? resolved : std::string(f[0]);
    std::vector<std::string> words = absl::StrSplit(f[3], ',');
    MountOptions options = ParseMountOptions(words);
    RETURN_IF_ERROR(MkdirAll(target, 0755));
    if (mount(device.c_str(), target.c_str(), type.c_str(), options.flags,
              options.data.empty() ? nullptr : options.data.c_str()) != 0) {
      return ErrnoError(errno, absl::StrCat("RUNCVM_DISKS: mount ", device, " on ", target));
    }
  }
  // The workload sees the disks in its /etc/fstab, as systemd and `mount -a` expect.
  if (PathExists("/etc/fstab") &&
      mount(fstab_path.c_str(), "/etc/fstab", nullptr, MS_BIND, nullptr) != 0) {
    return ErrnoError(errno, "RUNCVM_DISKS: bind-mount the disks' fstab on /etc/fstab");
  }
  return absl::OkStatus();
}

}  // namespace runcvm
