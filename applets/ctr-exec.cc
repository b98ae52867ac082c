// ctr-exec PROCESS_JSON
//
// Prepended by the runtime to every `docker exec`: runs the command described by PROCESS_JSON (the
// OCI process object Docker asked for) inside the VM, through init's exec socket and the control
// channel, relaying stdin, stdout, stderr, terminal size and signals, and exits with its code.
#include "applets/applets.h"
#include "common/container_init.h"
#include "common/exec_client.h"
#include "common/exit_code.h"
#include "common/log.h"

namespace runcvm {

extern const std::string_view kCtrExecUsage =
    "Usage: ctr-exec PROCESS_JSON\n\n"
    "Runs a `docker exec` command inside the VM and exits with its exit code.\n";

int CtrExecMain(int argc, char** argv) {
  if (argc != 2) {
    LogError("expected one argument, the exec process as JSON; see --help");
    return kExitRuncvmFailed;
  }
  absl::StatusOr<int> code = RunExecClient(ContainerPaths{}.exec_socket(), argv[1]);
  if (!code.ok()) {
    LogError(code.status().message());
    return ExitCodeForError(code.status());
  }
  return *code;
}

}  // namespace runcvm
