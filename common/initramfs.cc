#include "common/initramfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/fd.h"
#include "common/kmod.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {

std::vector<std::string> SplitKernelCmdline(std::string_view cmdline) {
  // As the kernel's next_arg(): a double quote toggles quoting anywhere in a word and is dropped.
  std::vector<std::string> words;
  std::string word;
  bool in_word = false, quoted = false;
  for (char c : cmdline) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

BootParams ParseBootParams(std::string_view cmdline) {
  BootParams params;
  std::vector<std::string> words = SplitKernelCmdline(cmdline);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w == "--") {
      params.init_args.assign(words.begin() + i + 1, words.end());
      break;
    }
    if (w == "ro") {
      params.read_only = true;
    } else if (w == "rw") {
      params.read_only = false;
    } else if (absl::ConsumePrefix(&w, "root=")) {
      params.root = std::string(w);
    } else if (absl::ConsumePrefix(&w, "rootfstype=")) {
      params.rootfstype = std::string(w);
    } else if (absl::ConsumePrefix(&w, "rootflags=")) {
      params.rootflags = std::string(w);
    } else if (absl::ConsumePrefix(&w, "init=")) {
      params.init = std::string(w);
    }
  }
  return params;
}

namespace {

constexpr char kNewRoot[] = "/newroot";
// finit_module(2) flag (linux/module.h) for a module file the kernel decompresses itself.
constexpr int kModuleInitCompressedFile = 4;

absl::Status MakeDir(const char* path) {
  if (mkdir(path, 0755) != 0 && errno != EEXIST) return ErrnoError(errno, absl::StrCat("mkdir ", path));
  return absl::OkStatus();
}

absl::Status Mount(const char* source, const char* target, const char* type, unsigned long flags,
                   const char* data = nullptr) {
  RETURN_IF_ERROR(MakeDir(target));
  if (mount(source, target, type, flags, data) != 0) {
    return ErrnoError(errno, absl::StrCat("mount ", type, " on ", target));
  }
  return absl::OkStatus();
}

absl::Status LoadModule(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("open ", path));
  // Debian 12's kernels ship modules uncompressed (and without CONFIG_MODULE_DECOMPRESS), so
  // the recipe leaves them so; a compressed file is handed to a kernel that can decompress it.
  int flags = absl::EndsWith(path, ".ko") ? 0 : kModuleInitCompressedFile;
  if (syscall(SYS_finit_module, fd.get(), "", flags) != 0 && errno != EEXIST) {
    return ErrnoError(errno, absl::StrCat("load module ", path));
  }
  return absl::OkStatus();
}

absl::Status LoadWantedModules() {
  struct utsname uts;
  if (uname(&uts) != 0) return ErrnoError(errno, "uname");
  std::string dir = absl::StrCat("/lib/modules/", uts.release);
  ASSIGN_OR_RETURN(std::string list, ReadFile(std::string(kInitramfsModuleList)));
  ASSIGN_OR_RETURN(std::string dep_text, ReadFile(dir + "/modules.dep"));
  ASSIGN_OR_RETURN(ModuleIndex index, ParseModulesDep(dep_text));
  ASSIGN_OR_RETURN(LoadPlan plan, PlanModuleLoads(index, ParseModuleList(list)));
  for (const std::string& path : plan.paths) {
    RETURN_IF_ERROR(LoadModule(absl::StrCat(dir, "/", path)));
  }
  return absl::OkStatus();
}

// The kernel opened /dev/console for us only if the console existed when it started rdinit;
// with console=hvc0 it appears once virtio_console is loaded and the host's console port has been
// announced, which virtio_console handles asynchronously (a work item on its control queue). So
// stdio is (re)attached after the root mount, retrying briefly while a hvc console is expected,
// and vm-init inherits it. Without a console, stdio is /dev/null rather than closed descriptors.
void AttachConsole(bool expect_hvc) {
  int fd = -1;
  // Up to 3 s: under TCG on a busy host the port announcement can take a while, and without the
  // console a failure (or the workload's console output) would vanish.
  for (int attempt = 0; fd < 0 && attempt < (expect_hvc ? 300 : 1); ++attempt) {
    if (attempt > 0) usleep(10 * 1000);
    fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
  }
  if (fd < 0) fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  for (int i = 0; i < 3; ++i) dup2(fd, i);
  if (fd > 2) close(fd);
}

absl::Status MountRoot(const BootParams& params) {
  if (params.root.empty()) {
    return absl::InvalidArgumentError("no root= on the kernel command line (want the virtio-fs tag)");
  }
  RETURN_IF_ERROR(MakeDir(kNewRoot));
  unsigned long flags = params.read_only ? MS_RDONLY : 0;
  const char* data = params.rootflags.empty() ? nullptr : params.rootflags.c_str();
  // virtio drivers probe synchronously as their modules load, so the tag normally exists by now;
  // a grace period (3 s, generous for TCG on a loaded host) covers a device still settling.
  int err = 0;
  for (int attempt = 0; attempt < 60; ++attempt) {
    if (mount(params.root.c_str(), kNewRoot, params.rootfstype.c_str(), flags, data) == 0) {
      return absl::OkStatus();
    }
    err = errno;
    if (err != ENOENT && err != ENODEV && err != EINVAL && err != ENXIO) break;
    usleep(50 * 1000);
  }
  absl::Status status = ErrnoError(
      err, absl::StrCat("mount ", params.rootfstype, " root '", params.root, "' on ", kNewRoot));
  // virtio-fs says only EINVAL when no device carries the tag.
  if (err == EINVAL && params.rootfstype == "virtiofs") {
    return absl::Status(status.code(), absl::StrCat(status.message(), " (no virtio-fs device tagged '",
                                                    params.root, "'?)"));
  }
  return status;
}

// Frees the initramfs's memory (its files live in the rootfs, which can never be unmounted) the
// way busybox switch_root does: delete everything on the rootfs's device, not crossing mounts.
void RemoveTree(int dirfd, dev_t dev) {
  DIR* dir = fdopendir(dirfd);
  if (dir == nullptr) {
    close(dirfd);
    return;
  }
  while (struct dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_dev != dev) continue;
    if (S_ISDIR(st.st_mode)) {
      int child = openat(dirfd, entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (child >= 0) RemoveTree(child, dev);
      unlinkat(dirfd, entry->d_name, AT_REMOVEDIR);
    } else {
      unlinkat(dirfd, entry->d_name, 0);
    }
  }
  closedir(dir);
}

// /dev, /proc and /sys are moved into the new root rather than unmounted: vm-init then starts
// with them in place (it mounts only what is missing), and the devtmpfs keeps the nodes the
// modules just created. A root without the mount point gets them detached instead.
absl::Status SwitchRoot(const BootParams& params) {
  for (const char* path : {"/dev", "/proc", "/sys"}) {
    std::string target = absl::StrCat(kNewRoot, path);
    struct stat st;
    if (stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      if (mount(path, target.c_str(), nullptr, MS_MOVE, nullptr) != 0) {
        return ErrnoError(errno, absl::StrCat("move ", path, " to ", target));
      }
    } else {
      umount2(path, MNT_DETACH);
    }
  }
  struct stat root_st;
  if (stat("/", &root_st) == 0) {
    int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) RemoveTree(fd, root_st.st_dev);
  }
  if (chdir(kNewRoot) != 0) return ErrnoError(errno, absl::StrCat("chdir ", kNewRoot));
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) return ErrnoError(errno, "move new root to /");
  if (chroot(".") != 0) return ErrnoError(errno, "chroot");
  if (chdir("/") != 0) return ErrnoError(errno, "chdir /");
  return absl::OkStatus();
}

}  // namespace

absl::Status RunInitramfs() {
  RETURN_IF_ERROR(Mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755"));
  RETURN_IF_ERROR(Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
  RETURN_IF_ERROR(Mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC));
  ASSIGN_OR_RETURN(std::string cmdline, ReadFile("/proc/cmdline"));
  BootParams params = ParseBootParams(cmdline);
  RETURN_IF_ERROR(LoadWantedModules());
  absl::Status mounted = MountRoot(params);
  AttachConsole(absl::StrContains(cmdline, "console=hvc"));
  RETURN_IF_ERROR(mounted);
  RETURN_IF_ERROR(SwitchRoot(params));

  std::vector<char*> argv;
  argv.push_back(params.init.data());
  for (std::string& arg : params.init_args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(params.init.c_str(), argv.data());
  return ErrnoError(errno, absl::StrCat("exec init ", params.init));
}

}  // namespace runcvm
