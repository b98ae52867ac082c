// vm-start [--exec] SPEC.json
//
// Becomes the workload described by an OCI process object, inside the VM: rlimits, supplementary
// groups, gid, capabilities, uid, umask, cwd (created when missing), exactly the spec's
// environment (plus HOME from /etc/passwd, as runc), no_new_privileges, then execs args[0] looked
// up in the spec's PATH. SPEC.json holds the process object itself, or a document with it under
// "process" (such as the launch spec /.runcvm/runcvm.json).
//
// Exit codes when the workload cannot be started, as Docker shows runc's failures: for a
// container's process 127 not found, 126 not executable, 125 anything else (bad spec, failed
// system call). With --exec (a `docker exec` session) a missing cwd is an error instead of being
// created, and every failure exits 126, as `docker exec` does under runc.
#include <string>

#include "absl/strings/str_cat.h"
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/json.h"
#include "common/log.h"
#include "common/process_spec.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kVmStartUsage =
    "Usage: vm-start [--exec] SPEC.json\n\n"
    "Applies the OCI process object in SPEC.json (user, groups, capabilities, rlimits, umask,\n"
    "cwd, env, noNewPrivileges) and execs its args. SPEC.json may also be a document with the\n"
    "object under \"process\". Exits 127 when the program is not found, 126 when it cannot be\n"
    "executed, 125 for any other failure.\n\n"
    "  --exec  rules of `docker exec`: a missing cwd is an error, and any failure exits 126\n";

namespace {

absl::Status Run(const std::string& path, const ExecOptions& options) {
  ASSIGN_OR_RETURN(Json doc, ReadJsonFile(path));
  const Json* process = &doc;
  if (const Json* inner = FindMember(doc, "process");
      inner != nullptr && inner->is_object() && FindMember(doc, "args") == nullptr) {
    process = inner;
  }
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*process);
  if (!spec.ok()) return Annotate(spec.status(), path);
  return ApplyProcessSpecAndExec(*spec, options);
}

}  // namespace

int VmStartMain(int argc, char** argv) {
  ExecOptions options;
  bool exec_session = argc == 3 && std::string_view(argv[1]) == "--exec";
  if (exec_session) options.create_cwd = false;
  if (argc != 2 + (exec_session ? 1 : 0)) {
    LogError("expected the process spec file, optionally after --exec; see --help");
    return kExitRuncvmFailed;
  }
  absl::Status status = Run(argv[argc - 1], options);
  // Only reached on failure: success is an execve.
  LogError(status.message());
  return exec_session ? kExitCannotExecute : ExitCodeForError(status);
}

}  // namespace runcvm
