#include "common/reaper.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/exit_code.h"
#include "common/log.h"

namespace runcvm {

int RunReaper(const std::function<absl::Status()>& child) {
  // tini's approach: block everything, wait synchronously, no asynchronous handlers.
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  signal(SIGTTIN, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);

  pid_t pid = fork();
  if (pid < 0) {
    LogError(absl::StrCat("fork: ", strerror(errno)));
    return kExitRuncvmFailed;
  }
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    signal(SIGTTIN, SIG_DFL);
    signal(SIGTTOU, SIG_DFL);
    absl::Status status = child();
    std::string line = absl::StrCat(status.message(), "\n");
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
    _exit(ExitCodeForError(status));
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(pid, sig);
      continue;
    }
    int status;
    for (pid_t reaped; (reaped = waitpid(-1, &status, WNOHANG)) > 0;) {
      if (reaped == pid) return ExitCodeFromWaitStatus(status);
    }
  }
}

}  // namespace runcvm
