#include "common/exit_code.h"

#include <sys/wait.h>

#include <cerrno>

#include "common/status.h"

namespace runcvm {

int ExitCodeFromWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return kExitSignalBase + WTERMSIG(wait_status);
  return kExitRuncvmFailed;
}

int ExitCodeForError(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  return ExitCodeOf(status).value_or(kExitRuncvmFailed);
}

int ExitCodeForExecErrno(int err) {
  return (err == ENOENT || err == ENOTDIR) ? kExitNotFound : kExitCannotExecute;
}

}  // namespace runcvm
