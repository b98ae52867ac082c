// The OCI `process` object (config.json's .process, or a `docker exec` process.json) as vm-start
// applies it inside the VM: argv, env, cwd, user, umask, capabilities, rlimits, no_new_privileges.
// Parsing and environment building are pure; ApplyProcessSpecAndExec does the system calls.
#ifndef RUNCVM_COMMON_PROCESS_SPEC_H_
#define RUNCVM_COMMON_PROCESS_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json.h"

namespace runcvm {

// Capability names as the spec spells them ("CAP_CHOWN"); resolved by common/caps.h.
struct CapabilitySets {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  int resource = 0;  // RLIMIT_NOFILE, resolved (and validated) at parse time
  uint64_t soft = 0;
  uint64_t hard = 0;
};

struct ProcessSpec {
  std::vector<std::string> args;  // never empty
  std::vector<std::string> env;   // "KEY=VALUE", as given (BuildExecEnv dedups and adds HOME)
  std::string cwd = "/";          // absolute
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  std::optional<uint32_t> umask;  // absent: 0022, as runc
  bool terminal = false;
  // Absent in the spec means empty sets: runc then drops every capability, and so do we.
  CapabilitySets capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::optional<int> oom_score_adj;
  std::optional<std::string> username;  // .user.username (Windows-only in OCI; kept for logs)
};

// Parses an OCI process object. Errors name the offending field: `process.user.uid: expected an
// unsigned 32-bit integer`. Unknown fields (apparmorProfile, selinuxLabel, consoleSize...) are
// ignored, as they mean nothing inside the VM.
absl::StatusOr<ProcessSpec> ParseProcessSpec(const Json& process);

// RLIMIT_NOFILE for "RLIMIT_NOFILE"; nullopt for a name Linux does not have.
std::optional<int> RlimitResourceFromName(std::string_view name);

// The environment the workload gets, as runc builds it: the spec's entries in order, a repeated
// name keeping its first position and its last value (Go's os.Setenv), then HOME=`home` appended
// when the spec has no HOME. Entries without '=' or with an empty name are rejected, as runc does.
absl::StatusOr<std::vector<std::string>> BuildExecEnv(const std::vector<std::string>& spec_env,
                                                      std::string_view home);

// The value of `name` in a KEY=VALUE list, nullopt when absent.
std::optional<std::string> EnvValue(const std::vector<std::string>& env, std::string_view name);

// Becomes the workload described by `spec`, in runc's order (libcontainer's standard init and
// finalizeNamespace): reset signal mask and dispositions inherited from vm-init; oom_score_adj;
// rlimits; mkdir -p cwd unless !options.create_cwd (root-owned 0755, as runc's prepareRootfs);
// umask (0022 when absent); HOME from /etc/passwd; drop the bounding set; PR_SET_KEEPCAPS; chdir
// (as root, retried after the user switch on EACCES/EPERM, as runc); setgroups, setresgid,
// setresuid; clear keepcaps; set effective/permitted/inheritable, then ambient; no_new_privileges;
// mark fds >= 3 close-on-exec; look up args[0] in the spec's PATH (Go's exec.LookPath rules, as
// runc) and execve with exactly the built environment. Never returns on success. On failure the
// status carries the exit code runc's callers would show: 127 for `exec: "nosuch": executable file
// not found in $PATH`, 126 for permission denied (see ExitCodeOf in common/status.h); other
// failures carry none (125). Run it in a process that is about to become the workload: a failure
// may leave it half-changed (uid switched, caps gone).
struct ExecOptions {
  // runc creates a missing cwd for a container's process (prepareRootfs) but not for `runc exec`,
  // where a missing cwd fails: chdir to cwd ("/x") set in config.json failed: no such file...
  bool create_cwd = true;
};
absl::Status ApplyProcessSpecAndExec(const ProcessSpec& spec, const ExecOptions& options = {});

// Go's exec.LookPath as runc 1.1 calls it: a name with a '/' is checked as is; otherwise each
// element of `path_env` (":"-separated, an empty element meaning ".") is tried in order and the
// first regular file with any execute bit wins. Errors carry 127/126 and runc's message text.
absl::StatusOr<std::string> LookPath(std::string_view file, std::string_view path_env);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_PROCESS_SPEC_H_
