#include "common/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace runcvm {

absl::StatusOr<pid_t> StartSubprocess(const std::vector<std::string>& argv,
                                      const SubprocessOptions& options) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    if (null_fd >= 0) close(null_fd);
    return ErrnoError(err, absl::StrCat("fork for ", argv[0]));
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
    int in = options.stdin_fd >= 0 ? options.stdin_fd : null_fd;
    int out = options.stdout_fd >= 0 ? options.stdout_fd : null_fd;
    int err = options.stderr_fd >= 0 ? options.stderr_fd : null_fd;
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    for (int fd : options.keep_fds) fcntl(fd, F_SETFD, 0);
    // putenv keeps the pointer: the strings live in this copy of the parent's memory until exec.
    for (const std::string& entry : options.env) putenv(const_cast<char*>(entry.c_str()));
    execv(args[0], args.data());
    std::string msg = absl::StrCat("exec ", argv[0], ": ", strerror(errno), "\n");
    [[maybe_unused]] ssize_t n = write(2, msg.data(), msg.size());
    _exit(127);
  }
  if (null_fd >= 0) close(null_fd);
  return pid;
}

std::string ShellQuote(const std::vector<std::string>& argv) {
  return absl::StrJoin(argv, " ", [](std::string* out, const std::string& a) {
    if (!a.empty() && a.find_first_of(" \t\n'\"\\$`") == std::string::npos) {
      out->append(a);
    } else {
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out->append(q + "'");
    }
  });
}

}  // namespace runcvm
