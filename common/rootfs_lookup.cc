#include "common/rootfs_lookup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/dns_servers.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/image_kernel.h"
#include "common/options.h"
#include "common/status.h"

namespace runcvm {
namespace {

// The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS), which Go's stat inherits.
constexpr int kMaxSymlinks = 40;

bool IsAtOrUnder(std::string_view path, std::string_view dir) {
  return path == dir ||
         (absl::StartsWith(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

struct Resolved {
  std::string path;  // the resolved container path
  bool under_mount = false;
  int err = 0;  // errno of the failed lookup
  struct stat st = {};
};

// Resolves the absolute container path `path` inside `rootfs` one component at a time, as the
// kernel would after pivot_root: absolute symlinks restart at the rootfs, ".." stops at it.
Resolved ResolveInRoot(const std::string& rootfs, std::string_view path,
                       std::span<const std::string> mounts) {
  Resolved r;
  std::deque<std::string> todo;
  for (std::string_view c : absl::StrSplit(path, '/', absl::SkipEmpty())) todo.emplace_back(c);
  std::string cur;  // resolved so far, "" is the root
  int links = 0;
  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    if (comp == ".") continue;
    if (comp == "..") {
      cur.resize(cur.rfind('/') == std::string::npos ? 0 : cur.rfind('/'));
      continue;
    }
    std::string next = absl::StrCat(cur, "/", comp);
    if (std::any_of(mounts.begin(), mounts.end(),
                    [&](const std::string& m) { return IsAtOrUnder(next, m); })) {
      r.under_mount = true;
      return r;
    }
    std::string host = rootfs + next;
    struct stat st;
    if (lstat(host.c_str(), &st) != 0) {
      r.err = errno;
      return r;
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) {
        r.err = ELOOP;
        return r;
      }
      char buf[PATH_MAX];
      ssize_t n = readlink(host.c_str(), buf, sizeof buf - 1);
      if (n < 0) {
        r.err = errno;
        return r;
      }
      std::string_view target(buf, n);
      if (absl::StartsWith(target, "/")) cur.clear();
      std::vector<std::string_view> parts = absl::StrSplit(target, '/', absl::SkipEmpty());
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.emplace_front(*it);
      continue;
    }
    if (!todo.empty() && !S_ISDIR(st.st_mode)) {
      r.err = ENOTDIR;
      return r;
    }
    cur = std::move(next);
  }
  r.path = cur.empty() ? "/" : cur;
  std::string host = rootfs + r.path;
  if (stat(host.c_str(), &r.st) != 0) r.err = errno;
  return r;
}

// Go's syscall.Errno strings (zerrors_linux_amd64.go) for the errors a stat can give.
std::string GoErrnoText(int err) {
  switch (err) {
    case ENOENT:
      return "no such file or directory";
    case ENOTDIR:
      return "not a directory";
    case ELOOP:
      return "too many levels of symbolic links";
    case ENAMETOOLONG:
      return "file name too long";
    case EACCES:
      return "permission denied";
    case EIO:
      return "input/output error";
    default: {
      std::string s = std::strerror(err);
      if (!s.empty()) s[0] = absl::ascii_tolower(s[0]);
      return s;
    }
  }
}

bool IsExecutableMode(const struct stat& st) {
  return !S_ISDIR(st.st_mode) && (st.st_mode & 0111) != 0;
}

// Go's filepath.Join(dir, file) for a PATH entry: lexically cleaned.
std::string JoinClean(std::string_view dir, std::string_view file) {
  bool abs = absl::StartsWith(dir, "/");
  const std::string whole = absl::StrCat(dir, "/", file);
  std::vector<std::string_view> out;
  for (std::string_view part : absl::StrSplit(whole, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == ".." && !out.empty() && out.back() != "..") {
      out.pop_back();
    } else if (part == ".." && abs) {
      continue;
    } else {
      out.push_back(part);
    }
  }
  std::string joined = absl::StrJoin(out, "/");
  if (abs) return absl::StrCat("/", joined);
  return joined.empty() ? "." : joined;
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += absl::StrFormat("\\x%02x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

std::string RuncStartFailure(std::string_view runc_command, std::string_view reason) {
  return absl::StrCat(runc_command == "exec" ? "" : "runc ", runc_command,
                      " failed: unable to start container process: ", reason);
}

absl::Status CheckExecutable(const std::string& rootfs, const Json& process,
                             std::span<const std::string> mount_destinations,
                             std::string_view runc_command) {
  const Json* args = FindMember(process, "args");
  if (args == nullptr || !args->is_array() || args->empty() || !(*args)[0].is_string()) {
    return absl::InvalidArgumentError("config.json: .process.args: expected a non-empty array");
  }
  const std::string file = (*args)[0].get<std::string>();
  std::string cwd = GetString(process, "cwd").value_or("/");
  if (!absl::StartsWith(cwd, "/")) cwd = absl::StrCat("/", cwd);
  ASSIGN_OR_RETURN(std::vector<std::string> env, ProcessEnv(process, "config.json: .process"));

  auto fail = [&](std::string_view reason, int exit_code) {
    return WithExitCode(absl::FailedPreconditionError(RuncStartFailure(
                            runc_command, absl::StrCat("exec: ", GoQuote(file), ": ", reason))),
                        exit_code);
  };
  auto container_path = [&](std::string_view p) {
    return absl::StartsWith(p, "/") ? std::string(p) : absl::StrCat(cwd, "/", p);
  };

  if (absl::StrContains(file, '/')) {
    Resolved r = ResolveInRoot(rootfs, container_path(file), mount_destinations);
    if (r.under_mount) return absl::OkStatus();
    if (r.err != 0) {
      return fail(absl::StrCat("stat ", file, ": ", GoErrnoText(r.err)),
                  r.err == ENOENT ? kExitNotFound : kExitCannotExecute);
    }
    if (!IsExecutableMode(r.st)) return fail("permission denied", kExitCannotExecute);
    return absl::OkStatus();
  }

  // Go's filepath.SplitList: an empty PATH has no entries; an empty entry is ".".
  std::string path = EnvValue(env, "PATH").value_or("");
  if (!path.empty()) {
    for (std::string_view dir : absl::StrSplit(path, ':')) {
      std::string candidate = JoinClean(dir.empty() ? "." : dir, file);
      Resolved r = ResolveInRoot(rootfs, container_path(candidate), mount_destinations);
      if (r.under_mount) return absl::OkStatus();
      if (r.err != 0 || !IsExecutableMode(r.st)) continue;
      if (!absl::StartsWith(candidate, "/")) {
        return fail("cannot run executable found relative to current directory",
                    kExitCannotExecute);
      }
      return absl::OkStatus();
    }
  }
  return fail("executable file not found in $PATH", kExitNotFound);
}

absl::Status CheckExecProcess(const std::string& root, const Json& process,
                              std::span<const std::string> mount_destinations) {
  // runc skips the chdir when cwd is empty; it requires an absolute cwd otherwise.
  if (std::optional<std::string> cwd = GetString(process, "cwd"); cwd && !cwd->empty()) {
    Resolved r = ResolveInRoot(root, *cwd, mount_destinations);
    int err = r.under_mount ? 0 : r.err != 0 ? r.err : S_ISDIR(r.st.st_mode) ? 0 : ENOTDIR;
    if (err != 0) {
      return WithExitCode(
          absl::FailedPreconditionError(RuncStartFailure(
              "exec", absl::StrCat("chdir to cwd (", GoQuote(*cwd),
                                   ") set in config.json failed: ", GoErrnoText(err)))),
          kExitCannotExecute);
    }
  }
  return CheckExecutable(root, process, mount_destinations, "exec");
}

absl::StatusOr<std::string> RuncvmRootFromSelf() {
  char buf[PATH_MAX];
  if (realpath("/proc/self/exe", buf) == nullptr)
    return ErrnoError(errno, "realpath /proc/self/exe");
  std::string exe = buf;
  // <root>/bin/runcvm -> <root>
  for (int i = 0; i < 2; ++i) {
    size_t slash = exe.rfind('/');
    exe.resize(slash == std::string::npos || slash == 0 ? 1 : slash);
  }
  return exe;
}

std::map<std::string, KernelDist> ListKernels(const std::string& runcvm_root) {
  std::map<std::string, KernelDist> kernels;
  std::string base = absl::StrCat(runcvm_root, "/kernels");
  auto list_dir = [](const std::string& dir) {
    std::vector<std::string> names;
    if (DIR* d = opendir(dir.c_str()); d != nullptr) {
      while (struct dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
      }
      closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  for (const std::string& dist : list_dir(base)) {
    std::string dist_dir = absl::StrCat(base, "/", dist);
    struct stat st;
    if (stat(dist_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    KernelDist kd;
    for (const std::string& ver : list_dir(dist_dir)) {
      std::string ver_dir = absl::StrCat(dist_dir, "/", ver);
      if (lstat(ver_dir.c_str(), &st) != 0) continue;
      if (S_ISLNK(st.st_mode)) {
        if (ver == "latest") {
          char buf[PATH_MAX];
          ssize_t n = readlink(ver_dir.c_str(), buf, sizeof buf - 1);
          if (n > 0) {
            std::string_view target(buf, n);
            while (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
            size_t slash = target.rfind('/');
            kd.latest =
                std::string(slash == std::string_view::npos ? target : target.substr(slash + 1));
          }
        }
        continue;
      }
      if (S_ISDIR(st.st_mode) && PathExists(absl::StrCat(ver_dir, "/vmlinuz"))) {
        kd.versions.push_back(ver);
        if (ver == "latest") kd.latest = ver;
      }
    }
    if (!kd.versions.empty() || !kd.latest.empty()) kernels[dist] = std::move(kd);
  }
  return kernels;
}

uint64_t OwnBoundingCaps() {
  absl::StatusOr<std::string> status = ReadFile("/proc/self/status");
  if (!status.ok()) return ~uint64_t{0};
  for (std::string_view line : absl::StrSplit(*status, '\n')) {
    if (!absl::ConsumePrefix(&line, "CapBnd:")) continue;
    uint64_t mask;
    if (absl::SimpleHexAtoi(absl::StripAsciiWhitespace(line), &mask)) return mask;
  }
  return ~uint64_t{0};
}

namespace {

// Whether any process is in the namespace `ns` (stat of a /proc/<pid>/ns/<type> file or of a
// bind mount of one). Processes that vanish while we look are skipped.
bool AnyProcessInNamespace(const struct stat& ns) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return true;  // cannot tell: assume shared, the safe answer
  bool found = false;
  while (struct dirent* e = readdir(proc)) {
    int pid;
    if (!absl::SimpleAtoi(e->d_name, &pid)) continue;
    struct stat st;
    std::string path = absl::StrCat("/proc/", pid, "/ns/net");
    if (stat(path.c_str(), &st) == 0 && st.st_dev == ns.st_dev && st.st_ino == ns.st_ino) {
      found = true;
      break;
    }
  }
  closedir(proc);
  return found;
}

}  // namespace
absl::Status CheckDiskFiles(const std::string& rootfs, const Json& config,
                            std::span<const DiskSpec> disks, std::string_view option_value) {
  for (const DiskSpec& disk : disks) {
    // A backing file on a volume or bind (typically under /disks) is looked up at its source.
    std::string host, best_dest;
    if (const Json* mounts = FindMember(config, "mounts"); mounts && mounts->is_array()) {
      for (const Json& m : *mounts) {
        std::optional<std::string> dest = GetString(m, "destination");
        std::optional<std::string> source = GetString(m, "source");
        if (!dest || !source || *dest == "/" || !IsAtOrUnder(disk.src, *dest) ||
            dest->size() <= best_dest.size()) {
          continue;
        }
        std::optional<std::string> type = GetString(m, "type");
        best_dest = *dest;
        host = type == "bind" ? absl::StrCat(*source, disk.src.substr(dest->size())) : "";
      }
    }
    struct stat st;
    int err = 0;
    if (!best_dest.empty()) {
      if (host.empty()) continue;  // a tmpfs or the like: judged when the container starts
      if (lstat(host.c_str(), &st) != 0) err = errno;
    } else {
      Resolved r = ResolveInRoot(rootfs, disk.src, {});
      err = r.err;
      st = r.st;
    }
    auto bad = [&](std::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid RUNCVM_DISKS=", option_value, ": ", disk.src, " ", what));
    };
    if (err == 0 && !S_ISREG(st.st_mode)) return bad("exists and is not a regular file");
    if (err == ENOENT && disk.size_bytes == 0) {
      return bad("does not exist and no <size> was given to create it");
    }
  }
  return absl::OkStatus();
}

ImageKernel FindImageKernel(const std::string& rootfs) {
  ImageKernel k;
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    Resolved r = ResolveInRoot(rootfs, path, {});
    if (r.err != 0 || !S_ISREG(r.st.st_mode)) continue;
    absl::StatusOr<std::string> text = ReadFile(rootfs + r.path);
    if (text.ok()) k.os_id = ParseOsReleaseId(*text);
    break;
  }
  std::optional<DistroKernelPaths> paths = InImageKernelPaths(k.os_id);
  if (!paths) return k;
  Resolved kernel = ResolveInRoot(rootfs, paths->kernel, {});
  if (kernel.err != 0 || !S_ISREG(kernel.st.st_mode)) return k;
  k.kernel = kernel.path;
  // The release names the module tree the image's kernel needs (its own initramfs is not used).
  std::string head(64 * 1024, '\0');
  UniqueFd fd(open((rootfs + kernel.path).c_str(), O_RDONLY | O_CLOEXEC));
  ssize_t n = fd.valid() ? pread(fd.get(), head.data(), head.size(), 0) : -1;
  head.resize(n > 0 ? n : 0);
  k.release = BzImageRelease(head);
  if (k.release.empty()) {
    k.problem = absl::StrCat("the image's kernel ", paths->kernel, " (", kernel.path,
                             ") is not an x86 bzImage with a version string");
    return k;
  }
  const std::string dep = absl::StrCat("/lib/modules/", k.release, "/modules.dep");
  Resolved modules = ResolveInRoot(rootfs, dep, {});
  if (modules.err != 0 || !S_ISREG(modules.st.st_mode)) {
    k.problem = absl::StrCat("the image's kernel ", paths->kernel, " (", k.release, ") has no ", dep,
                             " in the image (run depmod ", k.release, " in the image)");
  }
  return k;
}

absl::StatusOr<HostFacts> GatherHostFacts(const std::string& runcvm_root,
                                          const std::string& bundle_dir, const Json& config) {
  HostFacts facts;
  facts.runcvm_root = runcvm_root;
  facts.bundle_dir = bundle_dir;
  facts.has_kvm = PathExists("/dev/kvm");
  facts.has_vhost_net = PathExists("/dev/vhost-net");
  facts.kernels = ListKernels(runcvm_root);
  facts.available_caps = OwnBoundingCaps();
  facts.external_dns = FindExternalDnsServers(config);
  if (absl::StatusOr<std::string> rootfs = RootfsPath(config, bundle_dir); rootfs.ok()) {
    facts.image_kernel = FindImageKernel(*rootfs);
  }
  // A network namespace given by path is the host's when it is the same namespace file as ours
  // (the runtime runs in the host's namespace, as containerd-shim does).
  const Json* linux = FindMember(config, "linux");
  const Json* namespaces = linux ? FindMember(*linux, "namespaces") : nullptr;
  if (namespaces != nullptr && namespaces->is_array()) {
    for (const Json& ns : *namespaces) {
      std::optional<std::string> path = GetString(ns, "path");
      if (GetString(ns, "type") != "network" || !path) continue;
      struct stat theirs, ours;
      if (stat(path->c_str(), &theirs) == 0 && stat("/proc/self/ns/net", &ours) == 0) {
        facts.netns_path_is_host = theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
        facts.netns_path_unused = !facts.netns_path_is_host && !AnyProcessInNamespace(theirs);
      }
    }
  }
  return facts;
}

}  // namespace runcvm
