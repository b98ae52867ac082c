#include "common/process_spec.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/caps.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/guest_setup.h"
#include "common/log.h"
#include "common/rootfs_lookup.h"
#include "common/status.h"
#include "common/users.h"

namespace runcvm {
namespace {

// ---- parsing ---------------------------------------------------------------------------------

absl::Status FieldError(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("process.", field, ": ", problem));
}

// A JSON number that is a non-negative integer no larger than `max`.
std::optional<uint64_t> AsUnsigned(const Json& v, uint64_t max) {
  if (v.is_number_unsigned()) {
    uint64_t n = v.get<uint64_t>();
    if (n <= max) return n;
  } else if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    if (n >= 0 && static_cast<uint64_t>(n) <= max) return static_cast<uint64_t>(n);
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<uint32_t>> OptionalU32(const Json& object, std::string_view key,
                                                    std::string_view field) {
  const Json* v = FindMember(object, key);
  if (v == nullptr || v->is_null()) return std::optional<uint32_t>();
  std::optional<uint64_t> n = AsUnsigned(*v, std::numeric_limits<uint32_t>::max());
  if (!n) return FieldError(field, "expected an unsigned 32-bit integer");
  return std::optional<uint32_t>(static_cast<uint32_t>(*n));
}

absl::StatusOr<uint64_t> RequiredU64(const Json& object, std::string_view key,
                                     std::string_view field) {
  const Json* v = FindMember(object, key);
  if (v == nullptr) return FieldError(field, "missing");
  std::optional<uint64_t> n = AsUnsigned(*v, std::numeric_limits<uint64_t>::max());
  if (!n) return FieldError(field, "expected an unsigned 64-bit integer");
  return *n;
}

absl::StatusOr<bool> OptionalBool(const Json& object, std::string_view key,
                                  std::string_view field) {
  const Json* v = FindMember(object, key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_boolean()) return FieldError(field, "expected true or false");
  return v->get<bool>();
}

absl::StatusOr<std::vector<std::string>> StringArray(const Json& object, std::string_view key,
                                                     std::string_view field) {
  std::vector<std::string> out;
  const Json* v = FindMember(object, key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return FieldError(field, "expected an array of strings");
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_string()) {
      return FieldError(absl::StrCat(field, "[", i, "]"), "expected a string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::Status ParseUser(const Json& user, ProcessSpec* spec) {
  if (!user.is_object()) return FieldError("user", "expected an object");
  ASSIGN_OR_RETURN(std::optional<uint32_t> uid, OptionalU32(user, "uid", "user.uid"));
  ASSIGN_OR_RETURN(std::optional<uint32_t> gid, OptionalU32(user, "gid", "user.gid"));
  ASSIGN_OR_RETURN(spec->umask, OptionalU32(user, "umask", "user.umask"));
  spec->uid = uid.value_or(0);
  spec->gid = gid.value_or(0);
  if (const Json* gids = FindMember(user, "additionalGids"); gids != nullptr && !gids->is_null()) {
    if (!gids->is_array()) return FieldError("user.additionalGids", "expected an array of gids");
    for (size_t i = 0; i < gids->size(); ++i) {
      std::optional<uint64_t> g = AsUnsigned((*gids)[i], std::numeric_limits<uint32_t>::max());
      if (!g) {
        return FieldError(absl::StrCat("user.additionalGids[", i, "]"),
                          "expected an unsigned 32-bit integer");
      }
      spec->additional_gids.push_back(static_cast<uint32_t>(*g));
    }
  }
  if (const Json* name = FindMember(user, "username"); name != nullptr && !name->is_null()) {
    if (!name->is_string()) return FieldError("user.username", "expected a string");
    spec->username = name->get<std::string>();
  }
  return absl::OkStatus();
}

absl::Status ParseCapabilities(const Json& caps, CapabilitySets* out) {
  if (!caps.is_object()) return FieldError("capabilities", "expected an object");
  ASSIGN_OR_RETURN(out->bounding, StringArray(caps, "bounding", "capabilities.bounding"));
  ASSIGN_OR_RETURN(out->effective, StringArray(caps, "effective", "capabilities.effective"));
  ASSIGN_OR_RETURN(out->inheritable, StringArray(caps, "inheritable", "capabilities.inheritable"));
  ASSIGN_OR_RETURN(out->permitted, StringArray(caps, "permitted", "capabilities.permitted"));
  ASSIGN_OR_RETURN(out->ambient, StringArray(caps, "ambient", "capabilities.ambient"));
  return absl::OkStatus();
}

absl::Status ParseRlimits(const Json& rlimits, std::vector<Rlimit>* out) {
  if (!rlimits.is_array()) return FieldError("rlimits", "expected an array");
  for (size_t i = 0; i < rlimits.size(); ++i) {
    const std::string field = absl::StrCat("rlimits[", i, "]");
    const Json& item = rlimits[i];
    if (!item.is_object()) return FieldError(field, "expected an object");
    Rlimit r;
    std::optional<std::string> type = GetString(item, "type");
    if (!type) return FieldError(absl::StrCat(field, ".type"), "expected a string");
    std::optional<int> resource = RlimitResourceFromName(*type);
    // runc refuses an unknown type too ("wrong rlimit value").
    if (!resource)
      return FieldError(absl::StrCat(field, ".type"), absl::StrCat("unknown rlimit '", *type, "'"));
    r.type = *type;
    r.resource = *resource;
    ASSIGN_OR_RETURN(r.soft, RequiredU64(item, "soft", absl::StrCat(field, ".soft")));
    ASSIGN_OR_RETURN(r.hard, RequiredU64(item, "hard", absl::StrCat(field, ".hard")));
    out->push_back(std::move(r));
  }
  return absl::OkStatus();
}

// ---- exec ------------------------------------------------------------------------------------

// Go's errno strings are glibc's with a lower-case first letter; runc's messages use them, and
// Docker matches "no such file or directory" / "permission denied" in them.
std::string GoErrnoString(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}


absl::Status ExecError(int err, std::string message) {
  absl::Status st = err == ENOENT || err == ENOTDIR ? absl::NotFoundError(message)
                                                    : absl::PermissionDeniedError(message);
  return WithExitCode(st, ExitCodeForExecErrno(err));
}

// Go's exec findExecutable: 0, or the errno (EACCES for a directory or a file without x bits).
int FindExecutable(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode) && (st.st_mode & 0111) != 0) return 0;
  return EACCES;
}

// vm-init blocks signals to sigtimedwait for them and ignores SIGTTIN/SIGTTOU; execve keeps both
// the mask and SIG_IGN, and a workload must start with neither, as under runc.
void ResetSignals() {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    signal(sig, SIG_DFL);  // fails harmlessly for the libc's reserved real-time signals
  }
}

// runc marks every fd above stdio close-on-exec so nothing of the runtime leaks into the
// workload; vm-init's control channel and sockets must not either.
void MarkFdsCloseOnExec(int from) {
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
  constexpr unsigned kCloseRangeCloexec = 1u << 2;  // CLOSE_RANGE_CLOEXEC, Linux 5.11
  if (syscall(SYS_close_range, static_cast<unsigned>(from), ~0u, kCloseRangeCloexec) == 0) return;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int dir_fd = dirfd(dir);
  while (struct dirent* e = readdir(dir)) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < from || fd == dir_fd) continue;
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  closedir(dir);
}

absl::Status ChdirError(const std::string& cwd, int err) {
  absl::Status st(err == ENOENT || err == ENOTDIR ? absl::StatusCode::kNotFound
                                                  : absl::StatusCode::kPermissionDenied,
                  absl::StrCat("chdir to cwd (", GoQuote(cwd),
                               ") set in config.json failed: ", GoErrnoString(err)));
  return st;
}

}  // namespace

std::optional<int> RlimitResourceFromName(std::string_view name) {
  static constexpr std::pair<std::string_view, int> kRlimits[] = {
      {"RLIMIT_AS", RLIMIT_AS},
      {"RLIMIT_CORE", RLIMIT_CORE},
      {"RLIMIT_CPU", RLIMIT_CPU},
      {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_FSIZE", RLIMIT_FSIZE},
      {"RLIMIT_LOCKS", RLIMIT_LOCKS},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
      {"RLIMIT_NICE", RLIMIT_NICE},
      {"RLIMIT_NOFILE", RLIMIT_NOFILE},
      {"RLIMIT_NPROC", RLIMIT_NPROC},
      {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
      {"RLIMIT_RTTIME", RLIMIT_RTTIME},
      {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_STACK", RLIMIT_STACK},
  };
  for (const auto& [n, r] : kRlimits) {
    if (n == name) return r;
  }
  return std::nullopt;
}

absl::StatusOr<ProcessSpec> ParseProcessSpec(const Json& process) {
  if (!process.is_object()) return absl::InvalidArgumentError("process: expected an object");
  ProcessSpec spec;
  ASSIGN_OR_RETURN(spec.args, StringArray(process, "args", "args"));
  if (spec.args.empty()) return FieldError("args", "must name the program to run");
  if (spec.args[0].empty()) return FieldError("args[0]", "must not be empty");
  ASSIGN_OR_RETURN(spec.env, StringArray(process, "env", "env"));
  if (const Json* cwd = FindMember(process, "cwd"); cwd != nullptr && !cwd->is_null()) {
    if (!cwd->is_string()) return FieldError("cwd", "expected a string");
    spec.cwd = cwd->get<std::string>();
    if (spec.cwd.empty()) spec.cwd = "/";
    // runc: "Cwd must be an absolute path".
    if (spec.cwd.front() != '/')
      return FieldError("cwd", absl::StrCat("'", spec.cwd, "' is not an absolute path"));
  }
  if (const Json* user = FindMember(process, "user"); user != nullptr && !user->is_null()) {
    RETURN_IF_ERROR(ParseUser(*user, &spec));
  }
  ASSIGN_OR_RETURN(spec.terminal, OptionalBool(process, "terminal", "terminal"));
  ASSIGN_OR_RETURN(spec.no_new_privileges,
                   OptionalBool(process, "noNewPrivileges", "noNewPrivileges"));
  if (const Json* caps = FindMember(process, "capabilities"); caps != nullptr && !caps->is_null()) {
    RETURN_IF_ERROR(ParseCapabilities(*caps, &spec.capabilities));
  }
  if (const Json* rl = FindMember(process, "rlimits"); rl != nullptr && !rl->is_null()) {
    RETURN_IF_ERROR(ParseRlimits(*rl, &spec.rlimits));
  }
  if (const Json* oom = FindMember(process, "oomScoreAdj"); oom != nullptr && !oom->is_null()) {
    if (!oom->is_number_integer() || oom->get<int64_t>() < -1000 || oom->get<int64_t>() > 1000) {
      return FieldError("oomScoreAdj", "expected an integer between -1000 and 1000");
    }
    spec.oom_score_adj = static_cast<int>(oom->get<int64_t>());
  }
  return spec;
}

absl::StatusOr<std::vector<std::string>> BuildExecEnv(const std::vector<std::string>& spec_env,
                                                      std::string_view home) {
  std::vector<std::string> env;
  for (const std::string& entry : spec_env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid environment variable ", GoQuote(entry), ": missing '='"));
    }
    if (eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid environment variable ", GoQuote(entry), ": name cannot be empty"));
    }
    std::string_view name(entry.data(), eq + 1);  // with the '='
    auto same = std::find_if(env.begin(), env.end(),
                             [&](const std::string& e) { return absl::StartsWith(e, name); });
    if (same != env.end()) {
      *same = entry;
    } else {
      env.push_back(entry);
    }
  }
  if (!EnvValue(env, "HOME")) env.push_back(absl::StrCat("HOME=", home));
  return env;
}

std::optional<std::string> EnvValue(const std::vector<std::string>& env, std::string_view name) {
  for (const std::string& entry : env) {
    if (entry.size() > name.size() && entry[name.size()] == '=' && absl::StartsWith(entry, name)) {
      return entry.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::string> LookPath(std::string_view file, std::string_view path_env) {
  const std::string name(file);
  if (name.find('/') != std::string::npos) {
    int err = FindExecutable(name);
    if (err == 0) return name;
    if (err == EACCES) {
      return ExecError(err, absl::StrCat("exec: ", GoQuote(name), ": permission denied"));
    }
    return ExecError(
        err, absl::StrCat("exec: ", GoQuote(name), ": stat ", name, ": ", GoErrnoString(err)));
  }
  if (!name.empty()) {
    // Go's filepath.SplitList("") is empty: no PATH means nothing is found.
    if (!path_env.empty()) {
      for (std::string_view dir : absl::StrSplit(path_env, ':')) {
        if (dir.empty()) dir = ".";  // the shells' rule, and Go's
        std::string candidate =
            absl::EndsWith(dir, "/") ? absl::StrCat(dir, name) : absl::StrCat(dir, "/", name);
        if (FindExecutable(candidate) == 0) return candidate;
      }
    }
  }
  return WithExitCode(absl::NotFoundError(absl::StrCat("exec: ", GoQuote(name),
                                                       ": executable file not found in $PATH")),
                      kExitNotFound);
}

absl::Status ApplyProcessSpecAndExec(const ProcessSpec& spec, const ExecOptions& options) {
  ResetSignals();

  if (spec.oom_score_adj) {
    RETURN_IF_ERROR(
        Annotate(WriteFile("/proc/self/oom_score_adj", absl::StrCat(*spec.oom_score_adj)),
                 "set oom_score_adj"));
  }
  // Before the user switch: raising a hard limit needs CAP_SYS_RESOURCE.
  for (const Rlimit& r : spec.rlimits) {
    struct rlimit limit = {static_cast<rlim_t>(r.soft), static_cast<rlim_t>(r.hard)};
    if (setrlimit(r.resource, &limit) != 0) {
      return ErrnoError(errno,
                        absl::StrCat("setrlimit ", r.type, " soft=", r.soft, " hard=", r.hard));
    }
  }

  // runc's prepareRootfs creates the cwd as root, mode 0755, before the user switch (checked:
  // `runc run` with cwd /newdir/sub as uid 1000 leaves it root:root drwxr-xr-x).
  umask(022);
  if (options.create_cwd) RETURN_IF_ERROR(Annotate(MkdirAll(spec.cwd, 0755), "create cwd"));
  umask(static_cast<mode_t>(spec.umask.value_or(022)));

  std::optional<std::string> home;
  if (!EnvValue(spec.env, "HOME")) home = ReadHomeForUid("/etc/passwd", spec.uid);
  ASSIGN_OR_RETURN(std::vector<std::string> env, BuildExecEnv(spec.env, home.value_or("/")));

  ResolvedCapabilities caps = ResolveCapabilities(spec.capabilities, cap_max_bits());
  for (const std::string& name : caps.ignored) {
    LogDebug(absl::StrCat("ignoring unknown capability ", name));
  }

  int pdeath_signal = 0;
  prctl(PR_GET_PDEATHSIG, &pdeath_signal, 0, 0, 0);

  RETURN_IF_ERROR(DropBoundingSet(caps.bounding));
  RETURN_IF_ERROR(SetKeepCaps(true));

  // As runc's finalizeNamespace: chdir as root first (the cwd may be reachable only by root);
  // on a permission error try again as the user (a root-squashing volume owned by the user).
  bool chdir_after_user = false;
  if (chdir(spec.cwd.c_str()) != 0) {
    if (errno != EACCES && errno != EPERM) return ChdirError(spec.cwd, errno);
    chdir_after_user = true;
  }
  std::vector<gid_t> groups(spec.additional_gids.begin(), spec.additional_gids.end());
  if (setgroups(groups.size(), groups.data()) != 0) return ErrnoError(errno, "setgroups");
  if (setresgid(spec.gid, spec.gid, spec.gid) != 0) {
    return ErrnoError(errno, absl::StrCat("setresgid ", spec.gid));
  }
  if (setresuid(spec.uid, spec.uid, spec.uid) != 0) {
    return ErrnoError(errno, absl::StrCat("setresuid ", spec.uid));
  }
  if (chdir_after_user && chdir(spec.cwd.c_str()) != 0) return ChdirError(spec.cwd, errno);
  RETURN_IF_ERROR(SetKeepCaps(false));
  RETURN_IF_ERROR(ApplyCapabilitySets(caps));
  // A credential change clears the parent-death signal; vm-init may rely on it.
  if (pdeath_signal != 0) prctl(PR_SET_PDEATHSIG, pdeath_signal, 0, 0, 0);

  if (spec.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return ErrnoError(errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  }
  MarkFdsCloseOnExec(3);

  // After the user switch and chdir, as runc: the lookup sees what the workload would see.
  ASSIGN_OR_RETURN(std::string path, LookPath(spec.args[0], EnvValue(env, "PATH").value_or("")));
  // runc's extra check: LookPath is satisfied by mode bits, a noexec mount is not.
  if (faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) != 0) {
    int err = errno;
    return ExecError(err, absl::StrCat("exec ", path, ": ", GoErrnoString(err)));
  }
  std::vector<char*> argv;
  for (const std::string& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int err;
  do {
    execve(path.c_str(), argv.data(), envp.data());
    err = errno;
  } while (err == EINTR);
  return ExecError(err, absl::StrCat("exec ", path, ": ", GoErrnoString(err)));
}

}  // namespace runcvm
