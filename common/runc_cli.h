// runc's command line, as containerd-shim, conmon and people type it:
//   runc [global options] COMMAND [command options] [ID [ARGS...]]
// The runtime applet needs only a few facts from it (the command, the --log file, the bundle and
// container id of create/run, the --process file of exec) and then execs the real runc with the
// argv unchanged, so scanning is read-only and pure.
#ifndef RUNCVM_COMMON_RUNC_CLI_H_
#define RUNCVM_COMMON_RUNC_CLI_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace runcvm {

struct RuncCommandLine {
  std::string command;       // "create", "exec", "delete"...; "" for `runc --version` and the like
  std::string log_path;      // global --log
  std::string log_format;    // global --log-format ("text" or "json")
  std::string root;          // global --root
  std::string bundle;        // create/run: --bundle/-b; "" means the current directory
  std::string container_id;  // create/run/exec: the first positional argument
  std::string process_path;  // exec: --process/-p; "" when the command is on the command line
};

// Scans `args` (argv without argv[0]) the way runc's flag parser does: a flag is "-name" or
// "--name", its value either "=value" or the next argument; "--" ends the flags. Flags of
// commands other than create, run and exec are not interpreted. Unknown flags without "=" of the
// commands we rewrite (and of the global set) are errors: guessing whether they take a value could
// mistake the container id, and a create we fail to recognise would silently run the container
// without its VM. On error `*cli` holds what was scanned before it (the --log file, usually), so
// that the error can still be reported where Docker looks.
absl::Status ScanRuncArgs(std::span<const std::string_view> args, RuncCommandLine* cli);

// True for the commands whose JSON the runtime rewrites.
inline bool IsCreateCommand(std::string_view command) {
  return command == "create" || command == "run";
}

// runc's state file of a container: <--root>/<id>/state.json, with runc's default root /run/runc.
// "" for an id runc would reject (it must be a single path component).
std::string RuncStatePath(const RuncCommandLine& cli);

// The container's init pid ("init_process_pid") from the text of runc's state.json.
absl::StatusOr<int> InitPidFromState(std::string_view state_json);

// The real runc: $RUNCVM_RUNC when set, else the first executable of /usr/bin/runc,
// /usr/sbin/runc, /usr/local/bin/runc, /usr/local/sbin/runc, /usr/libexec/docker/runc, then $PATH,
// skipping any file that is `self` (our own binary, compared after realpath: the runtime may be
// installed as "runc" early in PATH). Distributions put runc in different places (the original
// hard-coded /usr/bin/runc: issue #20).
absl::StatusOr<std::string> FindRunc(const char* runcvm_runc_env, const char* path_env,
                                     const std::string& self);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_RUNC_CLI_H_
