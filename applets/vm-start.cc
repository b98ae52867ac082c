// vm-start SPEC.json
//
// Becomes the workload described by an OCI process object, inside the VM: rlimits, supplementary
// groups, gid, capabilities, uid, umask, cwd (created when missing), exactly the spec's
// environment (plus HOME from /etc/passwd, as runc), no_new_privileges, then execs args[0] looked
// up in the spec's PATH. SPEC.json holds the process object itself, or a document with it under
// "process" (such as the launch spec /.runcvm/runcvm.json).
//
// Exit codes when the workload cannot be started, as runc's callers show them: 127 not found,
// 126 not executable, 125 anything else (bad spec, failed system call).
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
    "Usage: vm-start SPEC.json\n\n"
    "Applies the OCI process object in SPEC.json (user, groups, capabilities, rlimits, umask,\n"
    "cwd, env, noNewPrivileges) and execs its args. SPEC.json may also be a document with the\n"
    "object under \"process\". Exits 127 when the program is not found, 126 when it cannot be\n"
    "executed, 125 for any other failure.\n";

namespace {

absl::Status Run(const std::string& path) {
  ASSIGN_OR_RETURN(Json doc, ReadJsonFile(path));
  const Json* process = &doc;
  if (const Json* inner = FindMember(doc, "process");
      inner != nullptr && inner->is_object() && FindMember(doc, "args") == nullptr) {
    process = inner;
  }
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*process);
  if (!spec.ok()) return Annotate(spec.status(), path);
  return ApplyProcessSpecAndExec(*spec);
}

}  // namespace

int VmStartMain(int argc, char** argv) {
  if (argc != 2) {
    LogError("expected one argument, the process spec file; see --help");
    return kExitRuncvmFailed;
  }
  absl::Status status = Run(argv[1]);
  // Only reached on failure: success is an execve.
  LogError(status.message());
  return ExitCodeForError(status);
}

}  // namespace runcvm
