#include "common/break_shell.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/fd.h"
#include "common/status.h"
#include "common/subprocess.h"

namespace runcvm {

absl::Status MaybeBreak(std::span<const std::string> breaks, std::string_view point,
                        std::string_view what) {
  if (std::find(breaks.begin(), breaks.end(), point) == breaks.end()) return absl::OkStatus();
  constexpr char kShell[] = "/bin/sh";
  if (!PathExists(kShell)) {
    return absl::FailedPreconditionError(
        absl::StrCat("RUNCVM_BREAK=", point, ": the image has no ", kShell));
  }
  (void)WriteAll(STDERR_FILENO, absl::StrCat("runcvm: RUNCVM_BREAK=", point, ": ", what,
                                             "\nruncvm: exit the shell to continue\n"));
  SubprocessOptions options;
  options.stdin_fd = STDIN_FILENO;
  options.stdout_fd = STDOUT_FILENO;
  options.stderr_fd = STDERR_FILENO;
  ASSIGN_OR_RETURN(pid_t pid, StartSubprocess({kShell, "-i"}, options));
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError(errno, "wait for the RUNCVM_BREAK shell");
  }
  return absl::OkStatus();
}

}  // namespace runcvm
