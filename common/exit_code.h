// Exit codes, as runc, Docker and POSIX shells use them (see tini and dumb-init).
#ifndef RUNCVM_COMMON_EXIT_CODE_H_
#define RUNCVM_COMMON_EXIT_CODE_H_

#include "absl/status/status.h"

namespace runcvm {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuncvmFailed = 125;   // runcvm itself failed (Docker uses 125 too)
inline constexpr int kExitCannotExecute = 126;  // found but not executable
inline constexpr int kExitNotFound = 127;       // command or applet not found
inline constexpr int kExitSignalBase = 128;     // killed by signal N: 128 + N

// The exit code for a wait(2) status: the code for a normal exit, 128+signal when killed.
int ExitCodeFromWaitStatus(int wait_status);

// The exit code for an applet that failed with `status`: its attached code if any, else 125.
int ExitCodeForError(const absl::Status& status);

// The exit code for a failed execve(2): 127 when the file is missing, else 126 (the shells' rule).
int ExitCodeForExecErrno(int err);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_EXIT_CODE_H_
