// Starting helper programs (QEMU, virtiofsd) from init: fork + execv with chosen stdio and a
// clean signal state.
#ifndef RUNCVM_COMMON_SUBPROCESS_H_
#define RUNCVM_COMMON_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace runcvm {

struct SubprocessOptions {
  int stdin_fd = -1;   // -1: /dev/null
  int stdout_fd = -1;  // -1: /dev/null
  int stderr_fd = -1;  // -1: /dev/null
  std::vector<int> keep_fds;  // made inheritable (close-on-exec cleared) in the child
  std::vector<std::string> env;  // "NAME=VALUE" set in the child on top of the inherited env
};

// Starts argv[0] (an absolute path) and returns its pid.
absl::StatusOr<pid_t> StartSubprocess(const std::vector<std::string>& argv,
                                      const SubprocessOptions& options);

// "a b 'c d'": for logs.
std::string ShellQuote(const std::vector<std::string>& argv);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_SUBPROCESS_H_
