#include "common/guest_setup.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/fd.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {
namespace {

constexpr long kProcSuperMagic = 0x9fa0;  // PROC_SUPER_MAGIC, <linux/magic.h>

struct FlagWord {
  std::string_view name;
  bool clear;
  unsigned long flag;
};

// runc's parseMountOptions table (libcontainer/specconv), word for word.
constexpr FlagWord kFlagWords[] = {
    {"acl", false, MS_POSIXACL},
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noacl", true, MS_POSIXACL},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

constexpr std::pair<std::string_view, unsigned long> kPropagationWords[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string UnescapeOctal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

absl::StatusOr<std::vector<MountInfo>> ReadMountInfo() {
  ASSIGN_OR_RETURN(std::string text, ReadFile("/proc/self/mountinfo"));
  return ParseMountInfo(text);
}

// The topmost mount at `path`, if any (later lines of mountinfo are mounted over earlier ones).
const MountInfo* MountAt(const std::vector<MountInfo>& mounts, std::string_view path) {
  const MountInfo* found = nullptr;
  for (const MountInfo& m : mounts) {
    if (m.mount_point == path) found = &m;
  }
  return found;
}

absl::Status Mount(const std::string& source, const std::string& target, const std::string& type,
                   unsigned long flags, const std::string& data) {
  if (mount(source.c_str(), target.c_str(), type.empty() ? nullptr : type.c_str(), flags,
            data.empty() ? nullptr : data.c_str()) != 0) {
    return ErrnoError(errno, absl::StrCat("mount ", type, " on '", target, "'",
                                          data.empty() ? "" : absl::StrCat(" (", data, ")")));
  }
  return absl::OkStatus();
}

// Mounts unless something is mounted at `target` already (the initramfs moves /dev, /proc and
// /sys into the new root on some kernels; a second call must change nothing).
absl::Status MountIfAbsent(const std::vector<MountInfo>& mounts, const std::string& source,
                           const std::string& target, const std::string& type, unsigned long flags,
                           const std::string& data) {
  if (MountAt(mounts, target) != nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(MkdirAll(target, 0755));
  return Mount(source, target, type, flags, data);
}

// A symlink unless `link` exists in any form (a devtmpfs may already have a real node there).
absl::Status SymlinkIfAbsent(const std::string& target, const std::string& link) {
  struct stat st;
  if (lstat(link.c_str(), &st) == 0) return absl::OkStatus();
  if (symlink(target.c_str(), link.c_str()) != 0 && errno != EEXIST) {
    return ErrnoError(errno, absl::StrCat("symlink '", link, "' -> '", target, "'"));
  }
  return absl::OkStatus();
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

MountOptions ParseMountOptions(std::span<const std::string> options) {
  MountOptions out;
  std::vector<std::string_view> data;
  for (const std::string& option : options) {
    bool matched = false;
    for (const FlagWord& w : kFlagWords) {
      if (w.name != option) continue;
      if (w.clear) {
        out.flags &= ~w.flag;
      } else {
        out.flags |= w.flag;
      }
      matched = true;
      break;
    }
    for (const auto& [name, flag] : kPropagationWords) {
      if (matched || name != option) continue;
      out.propagation = flag;
      matched = true;
    }
    // "tmpcopyup" is a runc extension (copy the image's files into the tmpfs); tmpfs itself
    // would reject it, so it never reaches the kernel.
    if (!matched && option != "tmpcopyup" && !option.empty()) data.push_back(option);
  }
  out.data = absl::StrJoin(data, ",");
  return out;
}

absl::StatusOr<std::vector<GuestMount>> ParseGuestMounts(const Json& guest_mounts) {
  std::vector<GuestMount> mounts;
  if (guest_mounts.is_null()) return mounts;
  if (!guest_mounts.is_array())
    return absl::InvalidArgumentError("guest_mounts: expected an array");
  for (size_t i = 0; i < guest_mounts.size(); ++i) {
    const Json& entry = guest_mounts[i];
    const std::string field = absl::StrCat("guest_mounts[", i, "]");
    if (!entry.is_object())
      return absl::InvalidArgumentError(absl::StrCat(field, ": expected an object"));
    GuestMount m;
    std::optional<std::string> destination = GetString(entry, "destination");
    if (!destination || destination->empty() || destination->front() != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".destination: expected an absolute path"));
    }
    m.destination = *destination;
    std::optional<std::string> type = GetString(entry, "type");
    if (!type || type->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".type: expected a filesystem type"));
    }
    m.type = *type;
    m.source = GetString(entry, "source").value_or(m.type);
    if (const Json* options = FindMember(entry, "options");
        options != nullptr && !options->is_null()) {
      if (!options->is_array()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ".options: expected an array of strings"));
      }
      for (size_t j = 0; j < options->size(); ++j) {
        if (!(*options)[j].is_string()) {
          return absl::InvalidArgumentError(
              absl::StrCat(field, ".options[", j, "]: expected a string"));
        }
        m.options.push_back((*options)[j].get<std::string>());
      }
    }
    mounts.push_back(std::move(m));
  }
  return mounts;
}

std::vector<MountInfo> ParseMountInfo(std::string_view contents) {
  std::vector<MountInfo> mounts;
  for (std::string_view line : absl::StrSplit(contents, '\n', absl::SkipEmpty())) {
    std::vector<std::string_view> f = absl::StrSplit(line, ' ');
    // id parent major:minor root mount_point options [optional...] - fstype source super_options
    size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 6 || dash + 2 >= f.size()) continue;
    MountInfo m;
    m.mount_point = UnescapeOctal(f[4]);
    m.options = std::string(f[5]);
    m.fs_type = UnescapeOctal(f[dash + 1]);
    m.source = UnescapeOctal(f[dash + 2]);
    mounts.push_back(std::move(m));
  }
  return mounts;
}

absl::Status MkdirAll(const std::string& path, mode_t mode) {
  std::string prefix;
  for (std::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    if (mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) {
      return ErrnoError(errno, absl::StrCat("mkdir '", prefix, "'"));
    }
  }
  if (!IsDirectory(path.empty() ? "/" : path)) {
    return ErrnoError(ENOTDIR, absl::StrCat("mkdir '", path, "'"));
  }
  return absl::OkStatus();
}

absl::Status MountContainerFilesystems() {
  constexpr unsigned long kNoSuidDevExec = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  // /proc first: the rest is decided by reading /proc/self/mountinfo.
  struct statfs proc_fs;
  if (statfs("/proc", &proc_fs) != 0 || proc_fs.f_type != kProcSuperMagic) {
    RETURN_IF_ERROR(MkdirAll("/proc", 0555));
    RETURN_IF_ERROR(Mount("proc", "/proc", "proc", kNoSuidDevExec, ""));
  }
  ASSIGN_OR_RETURN(std::vector<MountInfo> mounts, ReadMountInfo());

  RETURN_IF_ERROR(MountIfAbsent(mounts, "sysfs", "/sys", "sysfs", kNoSuidDevExec, ""));
  // The VM has real devices: devtmpfs, not runc's tmpfs with hand-made nodes. Its nodes already
  // have the modes udev would give (null, zero, tty, ptmx... 0666).
  RETURN_IF_ERROR(MountIfAbsent(mounts, "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755"));
  // Re-read: /dev may have just been mounted over whatever /dev/pts was.
  ASSIGN_OR_RETURN(mounts, ReadMountInfo());
  // Docker's default spec: devpts newinstance,ptmxmode=0666,mode=0620,gid=5.
  RETURN_IF_ERROR(MountIfAbsent(mounts, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                                "newinstance,ptmxmode=0666,mode=0620,gid=5"));
  // Docker's default /dev/shm: 64 MiB; MountGuestMounts remounts it when --shm-size says more.
  RETURN_IF_ERROR(
      MountIfAbsent(mounts, "shm", "/dev/shm", "tmpfs", kNoSuidDevExec, "mode=1777,size=65536k"));
  RETURN_IF_ERROR(MountIfAbsent(mounts, "mqueue", "/dev/mqueue", "mqueue", kNoSuidDevExec, ""));

  // runc's setupDevSymlinks. Since Linux 4.7 a devtmpfs /dev/ptmx node opens the ptmx of the
  // devpts mounted at the sibling "pts", so a real node is left in place.
  RETURN_IF_ERROR(SymlinkIfAbsent("pts/ptmx", "/dev/ptmx"));
  RETURN_IF_ERROR(SymlinkIfAbsent("/proc/self/fd", "/dev/fd"));
  RETURN_IF_ERROR(SymlinkIfAbsent("/proc/self/fd/0", "/dev/stdin"));
  RETURN_IF_ERROR(SymlinkIfAbsent("/proc/self/fd/1", "/dev/stdout"));
  RETURN_IF_ERROR(SymlinkIfAbsent("/proc/self/fd/2", "/dev/stderr"));
  if (PathExists("/proc/kcore")) RETURN_IF_ERROR(SymlinkIfAbsent("/proc/kcore", "/dev/core"));

  // The image's /run stays visible (systemd and daemons mount or fill it themselves).
  if (!PathExists("/run")) RETURN_IF_ERROR(MkdirAll("/run", 0755));

  // sysfs provides the directory when the kernel has cgroups; nothing can be created there.
  if (IsDirectory("/sys/fs/cgroup")) {
    RETURN_IF_ERROR(MountIfAbsent(mounts, "cgroup2", "/sys/fs/cgroup", "cgroup2",
                                  kNoSuidDevExec | MS_RELATIME, ""));
  }
  return absl::OkStatus();
}

absl::Status SetHostname(std::string_view name) {
  if (name.empty()) return absl::OkStatus();
  if (sethostname(name.data(), name.size()) != 0) {
    return ErrnoError(errno, absl::StrCat("sethostname '", name, "'"));
  }
  return absl::OkStatus();
}

absl::Status MountGuestMounts(std::span<const GuestMount> guest_mounts) {
  for (const GuestMount& m : guest_mounts) {
    const std::string context = absl::StrCat("guest mount '", m.destination, "'");
    MountOptions options = ParseMountOptions(m.options);
    ASSIGN_OR_RETURN(std::vector<MountInfo> mounts, ReadMountInfo());
    const MountInfo* existing = MountAt(mounts, m.destination);
    if (existing != nullptr && existing->fs_type == m.type) {
      RETURN_IF_ERROR(
          Annotate(Mount(m.source, m.destination, m.type, options.flags | MS_REMOUNT, options.data),
                   context));
    } else {
      RETURN_IF_ERROR(Annotate(MkdirAll(m.destination, 0755), context));
      RETURN_IF_ERROR(
          Annotate(Mount(m.source, m.destination, m.type, options.flags, options.data), context));
    }
    if (options.propagation != 0) {
      RETURN_IF_ERROR(Annotate(Mount("", m.destination, "", options.propagation, ""), context));
    }
  }
  return absl::OkStatus();
}

void PinBindMounts(std::span<const std::string> destinations) {
  for (const std::string& d : destinations) {
    // Opening a directory mounts it (a stat would not: the kernel skips automounts for a stat of
    // the last component).
    UniqueFd dir(open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid() || errno != ENOTDIR) continue;
    if (mount(d.c_str(), d.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      LogWarning(absl::StrCat("bind '", d, "' onto itself: ", strerror(errno)));
    }
  }
}

absl::Status RemountRootReadOnly() {
  struct statvfs st;
  if (statvfs("/", &st) != 0) return ErrnoError(errno, "statvfs '/'");
  if (st.f_flag & ST_RDONLY) return absl::OkStatus();
  // A bind remount replaces all per-mount flags: keep the ones / has (as runc's fallback does).
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  if (mount("", "/", nullptr, flags, nullptr) != 0) {
    return ErrnoError(errno, "remount '/' read-only");
  }
  return absl::OkStatus();
}

absl::Status BringUpLoopback() {
  UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return ErrnoError(errno, "socket for lo");
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof(ifr));
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0) return ErrnoError(errno, "get flags of lo");
  if (ifr.ifr_flags & IFF_UP) return absl::OkStatus();
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  // The kernel gives lo 127.0.0.1/8 and ::1 itself when it comes up.
  if (ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0) return ErrnoError(errno, "bring lo up");
  return absl::OkStatus();
}

absl::Status MountProcForNewPidNamespace() {
  // Private first: the umount and mount below must not propagate to vm-init's namespace.
  if (mount("", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return ErrnoError(errno, "make the mount tree private");
  }
  // Detach the old /proc (and anything mounted under it) rather than stack a new one on top:
  // the workload must not find the VM-wide procfs underneath.
  if (umount2("/proc", MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return ErrnoError(errno, "unmount the old /proc");
  }
  RETURN_IF_ERROR(MkdirAll("/proc", 0555));
  return Mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
}

}  // namespace runcvm
