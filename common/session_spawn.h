// Starting a session's process in the VM: its stdio (three pipes, or one pty for a terminal
// session, as runc does), its namespaces (the workload gets new PID and mount namespaces so it is
// PID 1 there, exactly as in a container; exec sessions join them), then the process spec.
#ifndef RUNCVM_COMMON_SESSION_SPAWN_H_
#define RUNCVM_COMMON_SESSION_SPAWN_H_

#include <sys/types.h>

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/fd.h"

namespace runcvm {

// The parent's ends of a spawned process's stdio.
struct SpawnedStdio {
  UniqueFd stdin_write;   // pipe to the process's stdin (no terminal)
  UniqueFd stdout_read;   // the process's stdout, or the pty master for a terminal
  UniqueFd stderr_read;   // the process's stderr (no terminal)
  UniqueFd pty_master;    // a duplicate of the master, for window sizes and stdin (terminal)
};

struct SpawnedProcess {
  pid_t pid = -1;
  SpawnedStdio stdio;
};

enum class Namespaces {
  kNew,   // new PID + mount namespaces: the workload
  kJoin,  // the workload's: an exec session (`join_pid` names the workload)
};

// A session's stdio.
struct SessionStdio {
  bool terminal = false;  // one pty (runc's process.terminal), else three pipes
  // When set, this terminal device (the VM's VGA console, RUNCVM_QEMU_DISPLAY=curses) is the
  // process's stdin, stdout, stderr and controlling terminal instead, and the parent gets no
  // descriptors: nothing is relayed.
  std::string device;
};

// Forks a process with the given stdio and namespaces, then runs `child` in it; `child` execs and
// returns only with an error, which is written to the process's stderr and becomes its exit
// status (126/127 when attached, else 125).
absl::StatusOr<SpawnedProcess> SpawnSession(const SessionStdio& stdio, Namespaces namespaces,
                                            pid_t join_pid,
                                            const std::function<absl::Status()>& child);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_SESSION_SPAWN_H_
