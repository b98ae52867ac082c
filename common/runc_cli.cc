#include "common/runc_cli.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/json.h"
#include "common/status.h"

namespace runcvm {
namespace {

struct FlagSpec {
  std::string_view name;   // long name, without dashes
  std::string_view alias;  // one-letter alias, or ""
  bool takes_value;
};

// runc 1.1's global flags (main.go).
constexpr FlagSpec kGlobalFlags[] = {
    {"debug", "", false},   {"log", "", true},    {"log-format", "", true},
    {"root", "", true},     {"criu", "", true},   {"systemd-cgroup", "", false},
    {"rootless", "", true}, {"help", "h", false}, {"version", "v", false},
};

// runc 1.1's create.go / run.go / exec.go.
constexpr FlagSpec kCreateFlags[] = {
    {"bundle", "b", true},
    {"console-socket", "", true},
    {"pid-file", "", true},
    {"no-pivot", "", false},
    {"no-new-keyring", "", false},
    {"preserve-fds", "", true},
    {"help", "h", false},
    // run only:
    {"detach", "d", false},
    {"keep", "", false},
    {"no-subreaper", "", false},
};

constexpr FlagSpec kExecFlags[] = {
    {"console-socket", "", true}, {"cwd", "", true},          {"env", "e", true},
    {"tty", "t", false},          {"user", "u", true},        {"additional-gids", "g", true},
    {"process", "p", true},       {"detach", "d", false},     {"pid-file", "", true},
    {"process-label", "", true},  {"apparmor", "", true},     {"no-new-privs", "", false},
    {"cap", "c", true},           {"preserve-fds", "", true}, {"cgroup", "", true},
    {"ignore-paused", "", false}, {"help", "h", false},
};

// One parsed flag: its canonical name and value ("" for a boolean without "=value").
struct Flag {
  std::string_view name;
  std::string_view value;
};

// Parses the flag at args[*i] (which starts with '-'), advancing *i past its value.
absl::StatusOr<Flag> ParseFlag(std::span<const std::string_view> args, size_t* i,
                               std::span<const FlagSpec> specs, std::string_view where) {
  std::string_view arg = args[*i];
  std::string_view body = arg.substr(absl::StartsWith(arg, "--") ? 2 : 1);
  std::optional<std::string_view> inline_value;
  if (size_t eq = body.find('='); eq != std::string_view::npos) {
    inline_value = body.substr(eq + 1);
    body = body.substr(0, eq);
  }
  auto it = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) {
    return s.name == body || (!s.alias.empty() && s.alias == body);
  });
  if (it == specs.end()) {
    // "--name=value" is unambiguous even when we do not know the flag: leave it to runc.
    if (inline_value) return Flag{body, *inline_value};
    return absl::InvalidArgumentError(absl::StrCat("unknown ", where, " flag ", arg));
  }
  if (inline_value || !it->takes_value) return Flag{it->name, inline_value.value_or("")};
  if (*i + 1 >= args.size()) {
    return absl::InvalidArgumentError(absl::StrCat(where, " flag ", arg, " needs a value"));
  }
  ++*i;
  return Flag{it->name, args[*i]};
}

bool IsFlag(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

}  // namespace

absl::Status ScanRuncArgs(std::span<const std::string_view> args, RuncCommandLine* out) {
  RuncCommandLine& cli = *out;
  cli = RuncCommandLine();
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--") {
      ++i;
      break;
    }
    if (!IsFlag(args[i])) break;
    absl::StatusOr<Flag> flag = ParseFlag(args, &i, kGlobalFlags, "runc global");
    if (!flag.ok()) return flag.status();
    if (flag->name == "log") cli.log_path = std::string(flag->value);
    if (flag->name == "log-format") cli.log_format = std::string(flag->value);
    if (flag->name == "root") cli.root = std::string(flag->value);
  }
  if (i >= args.size()) return absl::OkStatus();
  cli.command = std::string(args[i++]);

  const bool create = IsCreateCommand(cli.command);
  const bool exec = cli.command == "exec";
  if (!create && !exec)
    return absl::OkStatus();  // passed through untouched: no need to understand it

  std::span<const FlagSpec> specs =
      create ? std::span<const FlagSpec>(kCreateFlags) : std::span<const FlagSpec>(kExecFlags);
  std::string where = absl::StrCat("runc ", cli.command);
  bool flags_done = false;
  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!flags_done && arg == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && IsFlag(arg)) {
      absl::StatusOr<Flag> flag = ParseFlag(args, &i, specs, where);
      if (!flag.ok()) return flag.status();
      if (flag->name == "bundle") cli.bundle = std::string(flag->value);
      if (flag->name == "process") cli.process_path = std::string(flag->value);
      continue;
    }
    if (cli.container_id.empty()) {
      cli.container_id = std::string(arg);
      // After exec's ID comes the command and its own arguments, which are not runc's flags.
      if (exec) break;
      continue;
    }
    // runc's CLI library moves flags written after the ID in front of it, so keep scanning.
  }
  if (cli.container_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": no container id"));
  }
  return absl::OkStatus();
}

std::string RuncStatePath(const RuncCommandLine& cli) {
  const std::string& id = cli.container_id;
  if (id.empty() || id == "." || id == ".." || absl::StrContains(id, '/')) return "";
  return absl::StrCat(cli.root.empty() ? "/run/runc" : cli.root, "/", id, "/state.json");
}

absl::StatusOr<int> InitPidFromState(std::string_view state_json) {
  ASSIGN_OR_RETURN(Json state, ParseJson(state_json, "state.json"));
  std::optional<int64_t> pid = GetInt(state, "init_process_pid");
  if (!pid || *pid <= 0 || *pid > INT_MAX) {
    return absl::InvalidArgumentError("state.json: init_process_pid: expected a positive integer");
  }
  return static_cast<int>(*pid);
}

absl::StatusOr<std::string> FindRunc(const char* runcvm_runc_env, const char* path_env,
                                     const std::string& self) {
  const std::string self_real = RealPath(self);
  auto usable = [&](const std::string& candidate) {
    return IsExecutableFile(candidate) && RealPath(candidate) != self_real;
  };
  if (runcvm_runc_env != nullptr && *runcvm_runc_env != '\0') {
    if (usable(runcvm_runc_env)) return std::string(runcvm_runc_env);
    return absl::NotFoundError(absl::StrCat("RUNCVM_RUNC=", runcvm_runc_env,
                                            ": not an executable file (or it is runcvm itself)"));
  }
  std::vector<std::string> candidates = {"/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc",
                                         "/usr/local/sbin/runc", "/usr/libexec/docker/runc"};
  if (path_env != nullptr) {
    for (std::string_view dir : absl::StrSplit(path_env, ':', absl::SkipEmpty())) {
      if (absl::StartsWith(dir, "/")) candidates.push_back(absl::StrCat(dir, "/runc"));
    }
  }
  for (const std::string& c : candidates) {
    if (usable(c)) return c;
  }
  return absl::NotFoundError(
      "runc not found in /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, "
      "/usr/libexec/docker or $PATH (set RUNCVM_RUNC to its path)");
}

}  // namespace runcvm
