#include "common/bundle_versions.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fd.h"
#include "common/status.h"

namespace runcvm {
namespace {

// renameat2 is not in this musl's headers; the system call is (Linux 3.15).
int ExchangePaths(const char* a, const char* b) {
  constexpr unsigned kRenameExchange = 1 << 1;  // RENAME_EXCHANGE
  return static_cast<int>(syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, kRenameExchange));
}

std::string ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf) - 1);
  return n < 0 ? "" : std::string(buf, n);
}

struct MountEntry {
  std::string dev, root, mountpoint;
};

std::vector<MountEntry> ParseMountinfo(std::string_view text) {
  std::vector<MountEntry> out;
  for (std::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<std::string_view> f = absl::StrSplit(line, ' ');
    if (f.size() < 5) continue;
    out.push_back({std::string(f[2]), std::string(f[3]), std::string(f[4])});
  }
  return out;
}

bool IsAtOrBelow(std::string_view path, std::string_view dir) {
  if (dir == "/") return absl::StartsWith(path, "/");
  return path == dir || (absl::StartsWith(path, dir) && path.size() > dir.size() &&
                         path[dir.size()] == '/');
}

}  // namespace

bool MountinfoLineUses(std::string_view line, std::string_view dev, std::string_view root) {
  std::vector<std::string_view> f = absl::StrSplit(line, ' ');
  return f.size() >= 5 && f[2] == dev && IsAtOrBelow(f[3], root);
}

absl::StatusOr<std::string> ActivateBundle(const std::string& link, const std::string& target,
                                           const std::string& retired) {
  struct stat st;
  bool exists = lstat(link.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) return ErrnoError(errno, absl::StrCat("lstat '", link, "'"));
  std::string previous = exists && S_ISLNK(st.st_mode) ? ReadLink(link) : "";
  if (previous == target) return absl::StrCat(link, " -> ", target, ", already current");

  std::string tmp = absl::StrCat(link, ".runcvm-new-link");
  unlink(tmp.c_str());
  if (symlink(target.c_str(), tmp.c_str()) != 0) {
    return ErrnoError(errno, absl::StrCat("symlink '", tmp, "'"));
  }
  if (exists && S_ISDIR(st.st_mode)) {
    if (ExchangePaths(tmp.c_str(), link.c_str()) != 0) {
      absl::Status s = ErrnoError(errno, absl::StrCat("exchange '", link, "' with a symlink"));
      unlink(tmp.c_str());
      return s;
    }
    // tmp is now the old directory; running containers keep it mounted wherever it goes.
    if (rename(tmp.c_str(), retired.c_str()) != 0) {
      return ErrnoError(errno, absl::StrCat("move the old bundle to '", retired, "'"));
    }
    return absl::StrCat(link, " -> ", target, " (the old directory is now ", retired, ")");
  }
  if (exists && !S_ISLNK(st.st_mode)) {
    unlink(tmp.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("'", link, "' is neither a directory nor a symlink: move it away first"));
  }
  if (rename(tmp.c_str(), link.c_str()) != 0) {
    absl::Status s = ErrnoError(errno, absl::StrCat("rename '", tmp, "' to '", link, "'"));
    unlink(tmp.c_str());
    return s;
  }
  return previous.empty() ? absl::StrCat(link, " -> ", target)
                          : absl::StrCat(link, " -> ", target, " (was ", previous, ")");
}

absl::StatusOr<std::vector<std::string>> BundleUsers(const std::string& dir) {
  char resolved[PATH_MAX];
  if (realpath(dir.c_str(), resolved) == nullptr) {
    return ErrnoError(errno, absl::StrCat("realpath '", dir, "'"));
  }
  std::string path = resolved;
  // Where `dir` lives, as other mount namespaces see it: its filesystem (device) and its path
  // from that filesystem's root. The mount that holds it is the longest mount point above it
  // (the last one listed, when several are stacked on the same point).
  ASSIGN_OR_RETURN(std::string self_info, ReadFile("/proc/self/mountinfo"));
  const MountEntry* holder = nullptr;
  std::vector<MountEntry> mounts = ParseMountinfo(self_info);
  for (const MountEntry& m : mounts) {
    if (IsAtOrBelow(path, m.mountpoint) &&
        (holder == nullptr || m.mountpoint.size() >= holder->mountpoint.size())) {
      holder = &m;
    }
  }
  if (holder == nullptr) return absl::NotFoundError(absl::StrCat("no mount holds '", path, "'"));
  std::string suffix = holder->mountpoint == "/" ? path : path.substr(holder->mountpoint.size());
  std::string root = holder->root == "/" ? (suffix.empty() ? "/" : suffix)
                                         : absl::StrCat(holder->root, suffix);

  std::vector<std::string> users;
  std::set<std::string> seen;  // mount namespaces already read
  std::string self_ns = ReadLink("/proc/self/ns/mnt");
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return ErrnoError(errno, "opendir /proc");
  while (struct dirent* e = readdir(proc)) {
    int pid;
    if (!absl::SimpleAtoi(e->d_name, &pid)) continue;
    std::string base = absl::StrCat("/proc/", pid);
    std::string ns = ReadLink(base + "/ns/mnt");
    // Our own namespace shows `dir` as a plain directory; a process gone meanwhile has no ns.
    if (ns.empty() || ns == self_ns || !seen.insert(ns).second) continue;
    absl::StatusOr<std::string> info = ReadFile(base + "/mountinfo");
    if (!info.ok()) continue;
    for (std::string_view line : absl::StrSplit(*info, '\n', absl::SkipEmpty())) {
      if (MountinfoLineUses(line, holder->dev, root)) {
        absl::StatusOr<std::string> comm = ReadFile(base + "/comm");
        users.push_back(absl::StrCat(
            pid, " (", comm.ok() ? absl::StripTrailingAsciiWhitespace(*comm) : "?", ")"));
        break;
      }
    }
  }
  closedir(proc);
  return users;
}

}  // namespace runcvm
