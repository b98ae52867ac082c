#include "common/session_spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/exit_code.h"
#include "common/status.h"

namespace runcvm {
namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

absl::StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError(errno, "pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

struct Pty {
  UniqueFd master;
  std::string slave_path;
};

absl::StatusOr<Pty> MakePty() {
  UniqueFd master(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master.valid()) return ErrnoError(errno, "posix_openpt");
  if (grantpt(master.get()) != 0 || unlockpt(master.get()) != 0) {
    return ErrnoError(errno, "unlock pty");
  }
  char name[128];
  if (ptsname_r(master.get(), name, sizeof name) != 0) return ErrnoError(errno, "ptsname");
  return Pty{std::move(master), name};
}

// fork(), or a clone(2) that also creates PID and mount namespaces. With a null stack the raw
// clone syscall behaves like fork: the child continues here on a copy of the stack.
pid_t ForkInto(Namespaces namespaces) {
  if (namespaces == Namespaces::kNew) {
    return static_cast<pid_t>(syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
  }
  return fork();
}

// Joins the workload's mount namespace (in the child); the PID namespace is joined by the
// parent around fork, because setns(CLONE_NEWPID) only affects children.
absl::Status JoinMountNamespace(pid_t workload) {
  std::string path = absl::StrCat("/proc/", workload, "/ns/mnt");
  UniqueFd ns(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns.valid()) return ErrnoError(errno, absl::StrCat("open ", path));
  if (setns(ns.get(), CLONE_NEWNS) != 0) return ErrnoError(errno, "setns mnt");
  return absl::OkStatus();
}

[[noreturn]] void ChildFail(const absl::Status& status) {
  std::string line = absl::StrCat(status.message(), "\n");
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  _exit(ExitCodeForError(status));
}

// Blocks until the write end of `fd`'s pipe is closed everywhere, bounded so that a child stuck
// before its exec cannot stall the agent forever.
void WaitForExecOrExit(int fd) {
  constexpr int kTimeoutMs = 10000;
  pollfd pfd{fd, POLLIN, 0};
  while (poll(&pfd, 1, kTimeoutMs) < 0 && errno == EINTR) {
  }
}

void ResetSignals() {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
}

}  // namespace

absl::StatusOr<SpawnedProcess> SpawnSession(const SessionStdio& stdio, Namespaces namespaces,
                                            pid_t join_pid,
                                            const std::function<absl::Status()>& child) {
  SpawnedProcess spawned;
  Pipe in, out, err;
  Pty pty;
  const bool device = !stdio.device.empty();
  const bool terminal = stdio.terminal && !device;
  if (device) {
    // Opened in the child, as its controlling terminal.
  } else if (terminal) {
    ASSIGN_OR_RETURN(pty, MakePty());
  } else {
    ASSIGN_OR_RETURN(in, MakePipe());
    ASSIGN_OR_RETURN(out, MakePipe());
    ASSIGN_OR_RETURN(err, MakePipe());
  }

  // Closed by the child's execve (close-on-exec) or exit: the parent waits for that, so the agent
  // announces itself, and serves execs, only once the workload's namespaces are complete (its
  // fresh /proc mounted) and a session's process really runs.
  ASSIGN_OR_RETURN(Pipe started, MakePipe());

  UniqueFd own_pidns, target_pidns;
  if (namespaces == Namespaces::kJoin) {
    own_pidns.reset(open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    std::string path = absl::StrCat("/proc/", join_pid, "/ns/pid");
    target_pidns.reset(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!own_pidns.valid() || !target_pidns.valid()) {
      return ErrnoError(errno, absl::StrCat("open ", path));
    }
    if (setns(target_pidns.get(), CLONE_NEWPID) != 0) return ErrnoError(errno, "setns pid");
  }
  pid_t pid = ForkInto(namespaces);
  int fork_errno = errno;
  if (namespaces == Namespaces::kJoin && pid != 0) {
    // Children of this process belong to our own PID namespace again.
    (void)setns(own_pidns.get(), CLONE_NEWPID);
  }
  if (pid < 0) return ErrnoError(fork_errno, "fork session");

  if (pid == 0) {
    ResetSignals();
    setsid();
    if (device) {
      int tty = open(stdio.device.c_str(), O_RDWR);
      if (tty < 0) ChildFail(ErrnoError(errno, absl::StrCat("open ", stdio.device)));
      ioctl(tty, TIOCSCTTY, 0);
      dup2(tty, 0);
      dup2(tty, 1);
      dup2(tty, 2);
      if (tty > 2) close(tty);
    } else if (terminal) {
      int slave = open(pty.slave_path.c_str(), O_RDWR);
      if (slave < 0) ChildFail(ErrnoError(errno, "open pty"));
      ioctl(slave, TIOCSCTTY, 0);
      dup2(slave, 0);
      dup2(slave, 1);
      dup2(slave, 2);
      if (slave > 2) close(slave);
    } else {
      dup2(in.read.get(), 0);
      dup2(out.write.get(), 1);
      dup2(err.write.get(), 2);
    }
    if (namespaces == Namespaces::kJoin) {
      if (absl::Status s = JoinMountNamespace(join_pid); !s.ok()) ChildFail(s);
    }
    ChildFail(child());
  }

  started.write.reset();
  WaitForExecOrExit(started.read.get());

  spawned.pid = pid;
  if (device) {
    // Nothing to relay.
  } else if (terminal) {
    int dup_fd = fcntl(pty.master.get(), F_DUPFD_CLOEXEC, 3);
    spawned.stdio.pty_master.reset(dup_fd);
    spawned.stdio.stdout_read = std::move(pty.master);
  } else {
    spawned.stdio.stdin_write = std::move(in.write);
    spawned.stdio.stdout_read = std::move(out.read);
    spawned.stdio.stderr_read = std::move(err.read);
  }
  return spawned;
}

}  // namespace runcvm
