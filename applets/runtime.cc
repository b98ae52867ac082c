// runtime [RUNC GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]
//
// The OCI runtime Docker is configured with ("runtimes": {"runcvm": {"path":
// "/opt/runcvm/bin/runcvm-runtime"}}). It takes runc's command line, rewrites the bundle's
// config.json on `create`/`run` (the container runs RunCVM's entrypoint, which boots the
// workload in a VM; the VM's launch spec goes to <bundle>/runcvm.json) and the --process file on
// `exec` (the command runs in the VM through runcvm-ctr-exec; `docker exec C --- CMD` runs CMD in
// the container), then execs the real runc with the original arguments. Every other command goes
// to runc untouched.
//
// Errors go to stderr and, as runc's JSON lines, to the --log file, where Docker reads them; the
// exit status is runc's: 1, or 255 for an exec whose process cannot start.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "applets/applets.h"
#include "common/config_rewrite.h"
#include "common/exec_rewrite.h"
#include "common/fd.h"
#include "common/json.h"
#include "common/log.h"
#include "common/options.h"
#include "common/rootfs_lookup.h"
#include "common/runc_cli.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kRuntimeUsage =
    "Usage: runcvm-runtime [RUNC GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "RunCVM's OCI runtime: runc's command line, with each container booted as a VM.\n"
    "  create, run   rewrite <bundle>/config.json, write <bundle>/runcvm.json, then run runc\n"
    "  exec          rewrite the --process file so the command runs in the VM\n"
    "                (`docker exec C --- CMD...` runs CMD in the container instead); a missing\n"
    "                command or workdir in the VM's root fails at once, as with runc (exit 255)\n"
    "  other         passed to runc unchanged\n"
    "\n"
    "runc is $RUNCVM_RUNC, else the first of /usr/bin, /usr/sbin, /usr/local/bin,\n"
    "/usr/local/sbin, /usr/libexec/docker, $PATH that has one.\n"
    "RUNCVM_RUNTIME_DEBUG=1 in the container's (or exec's) env logs the original and rewritten\n"
    "JSON to /tmp/runcvm-<container id>.log on the host.\n"
    "Invalid RUNCVM_* options, --network=host or container:, and a missing kernel fail create.\n";

namespace {

// runc exits 1 on any failure; containerd only looks at non-zero and at the --log file.
constexpr int kExitRuntimeFailed = 1;
// ...except that `runc exec` exits 255 when the process cannot be started.
constexpr int kExitExecFailed = 255;

// Errors that imitate runc's own (the executable check) are reported verbatim, so that Docker
// maps them to 126/127 and users see runc's wording; the rest say they come from RunCVM.
void Report(const absl::Status& status) {
  LogError(ExitCodeOf(status) ? std::string(status.message())
                              : absl::StrCat("runcvm: ", status.message()));
}

// The per-container debug log (RUNCVM_RUNTIME_DEBUG=1): what came in, what went out, any error.
class DebugLog {
 public:
  DebugLog(bool enabled, const std::string& container_id) {
    if (!enabled) return;
    bool safe = !container_id.empty() && container_id.find_first_not_of(
                                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_.-") == std::string::npos;
    path_ = absl::StrCat("/tmp/runcvm-", safe ? container_id : absl::StrCat(getpid()), ".log");
    // Only to runc's --log file: the runtime's stderr is the container's (or exec's) stderr.
    SetDebugLogging(true);
    LogDebug(absl::StrCat("debug log: ", path_));
  }
  const std::string& path() const { return path_; }
  void Write(std::string_view title, std::string_view text) {
    if (path_.empty()) return;
    std::string line =
        absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M:%E6S", absl::Now(), absl::UTCTimeZone()), " ",
                     getpid(), ": ", title, text.empty() ? "" : ":\n", text, "\n");
    UniqueFd fd(open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (fd.valid()) (void)WriteAll(fd.get(), line);
  }

 private:
  std::string path_;
};

bool WantsDebug(const Json& process) {
  absl::StatusOr<std::vector<std::string>> env = ProcessEnv(process, "process");
  if (!env.ok()) return false;
  std::optional<std::string> v = EnvValue(*env, "RUNCVM_RUNTIME_DEBUG");
  return v && ParseBoolOption(*v).value_or(false);
}

absl::StatusOr<std::string> AbsolutePath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr)
    return ErrnoError(errno, absl::StrCat("'", path, "'"));
  return std::string(buf);
}

// create/run: everything is computed and checked before the first write, and runcvm.json is
// removed again if config.json cannot be replaced, so a failure leaves the bundle as it was.
absl::Status PrepareCreate(const RuncCommandLine& cli) {
  ASSIGN_OR_RETURN(std::string bundle, AbsolutePath(cli.bundle.empty() ? "." : cli.bundle));
  const std::string config_path = absl::StrCat(bundle, "/config.json");
  const std::string spec_path = absl::StrCat(bundle, "/runcvm.json");
  ASSIGN_OR_RETURN(Json config, ReadJsonFile(config_path));
  const Json* process = FindMember(config, "process");
  DebugLog debug(process != nullptr && WantsDebug(*process), cli.container_id);
  debug.Write(absl::StrCat(cli.command, " ", cli.container_id, " ", config_path),
              SerializeJson(config, 2));

  absl::Status status = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string root, RuncvmRootFromSelf());
    ASSIGN_OR_RETURN(HostFacts facts, GatherHostFacts(root, bundle, config));
    ASSIGN_OR_RETURN(RewriteResult result, RewriteConfig(config, facts));
    // ctr-entrypoint tells the user where the log is: Docker never shows runc's --log lines.
    if (!debug.path().empty()) result.spec["runtime_debug_log"] = debug.path();
    debug.Write("rewritten config.json", SerializeJson(result.config, 2));
    debug.Write("runcvm.json", SerializeJson(result.spec, 2));
    if (!GetBool(result.spec, "init").value_or(false)) {
      // With an init (docker --init) the init reports a missing command at run time, as tini does.
      ASSIGN_OR_RETURN(std::string rootfs, RootfsPath(config, bundle));
      RETURN_IF_ERROR(
          CheckExecutable(rootfs, result.spec["process"], MountDestinations(config), cli.command));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> env, ProcessEnv(*process, "config.json: .process"));
    if (std::optional<std::string> disks = EnvValue(env, "RUNCVM_DISKS"); disks) {
      ASSIGN_OR_RETURN(RuncvmOptions options, ParseOptions(env));
      ASSIGN_OR_RETURN(std::string rootfs, RootfsPath(config, bundle));
      RETURN_IF_ERROR(CheckDiskFiles(rootfs, config, options.disks, *disks));
    }
    RETURN_IF_ERROR(WriteFileAtomic(spec_path, SerializeJson(result.spec, 2) + "\n", 0644));
    if (absl::Status s = WriteJsonFile(config_path, result.config); !s.ok()) {
      unlink(spec_path.c_str());
      return s;
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) debug.Write(absl::StrCat("error: ", status.message()), "");
  return status;
}

// runc exec fails at once, with its own words, when the cwd or the command is missing; in the VM
// the failure would only come from runcvm-ctr-exec, worded differently. So runc's checks are
// repeated on the VM's root as the container sees it (/vm of the container's init, volumes
// included). Whatever cannot be looked at (no state file, the init gone) is left to runc.
absl::Status CheckExecInVm(const RuncCommandLine& cli, const Json& process) {
  const Json& args = process["args"];  // validated by RewriteProcess
  // The --- escape runs in the container, where runc itself checks.
  if (args[0].get<std::string>() == kContainerEscape) return absl::OkStatus();
  const std::string state_path = RuncStatePath(cli);
  if (state_path.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> state = ReadFile(state_path);
  absl::StatusOr<int> pid = state.ok() ? InitPidFromState(*state) : state.status();
  if (!pid.ok()) {
    LogDebug(absl::StrCat("exec: no init pid, checks left to runc: ", pid.status().message()));
    return absl::OkStatus();
  }
  const std::string container_root = absl::StrCat("/proc/", *pid, "/root");
  const std::string vm_root = absl::StrCat(container_root, kVmMountpoint);
  struct stat st;
  if (stat(vm_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return absl::OkStatus();
  // What the guest mounts over its root cannot be judged from /vm: its kernel filesystems and the
  // tmpfs mounts of the launch spec.
  std::vector<std::string> guest_mounts = {"/proc", "/sys", "/dev"};
  absl::StatusOr<Json> spec = ReadJsonFile(absl::StrCat(container_root, "/.runcvm/runcvm.json"));
  if (spec.ok()) {
    if (const Json* mounts = FindMember(*spec, "guest_mounts"); mounts && mounts->is_array()) {
      for (const Json& m : *mounts) {
        if (std::optional<std::string> dest = GetString(m, "destination")) {
          guest_mounts.push_back(*dest);
        }
      }
    }
  }
  return CheckExecProcess(vm_root, process, guest_mounts);
}

absl::Status PrepareExec(const RuncCommandLine& cli) {
  if (cli.process_path.empty()) {
    // `runc exec ID CMD...` (not Docker's form): there is no JSON to rewrite, so it runs in the
    // container, like the --- escape.
    LogDebug("exec without --process: runs in the container");
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Json process, ReadJsonFile(cli.process_path));
  DebugLog debug(WantsDebug(process), cli.container_id);
  debug.Write(absl::StrCat("exec ", cli.container_id, " ", cli.process_path),
              SerializeJson(process, 2));
  absl::StatusOr<Json> rewritten = RewriteProcess(process, OwnBoundingCaps());
  if (!rewritten.ok()) {
    debug.Write(absl::StrCat("error: ", rewritten.status().message()), "");
    return rewritten.status();
  }
  if (absl::Status checked = CheckExecInVm(cli, process); !checked.ok()) {
    debug.Write(absl::StrCat("error: ", checked.message()), "");
    return checked;
  }
  debug.Write("rewritten process.json", SerializeJson(*rewritten, 2));
  return WriteJsonFile(cli.process_path, *rewritten);
}

}  // namespace

int RuntimeMain(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  RuncCommandLine cli;
  absl::Status scanned = ScanRuncArgs(args, &cli);
  SetLogFile(cli.log_path, cli.log_format);
  if (!scanned.ok()) {
    Report(scanned);
    return kExitRuntimeFailed;
  }

  absl::Status prepared = absl::OkStatus();
  if (IsCreateCommand(cli.command)) {
    prepared = PrepareCreate(cli);
  } else if (cli.command == "exec") {
    prepared = PrepareExec(cli);
  }
  if (!prepared.ok() && cli.command == "exec" && ExitCodeOf(prepared)) {
    LogRuncFatal(prepared.message());  // runc exec's own failure: its words, its exit status
    return kExitExecFailed;
  }
  if (!prepared.ok()) {
    Report(prepared);
    return kExitRuntimeFailed;
  }

  absl::StatusOr<std::string> runc =
      FindRunc(getenv("RUNCVM_RUNC"), getenv("PATH"), "/proc/self/exe");
  if (!runc.ok()) {
    Report(runc.status());
    return kExitRuntimeFailed;
  }
  std::vector<char*> runc_argv(argv, argv + argc + 1);  // keeps the terminating nullptr
  runc_argv[0] = runc->data();
  execv(runc->c_str(), runc_argv.data());
  Report(ErrnoError(errno, absl::StrCat("exec ", *runc)));
  return kExitRuntimeFailed;
}

}  // namespace runcvm
