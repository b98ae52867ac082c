// ctr-exec's client side: opens an exec session through init's socket, relays this process's
// stdin/stdout/stderr, terminal size and signals, and returns the command's exit code.
#ifndef RUNCVM_COMMON_EXEC_CLIENT_H_
#define RUNCVM_COMMON_EXEC_CLIENT_H_

#include <string>

#include "absl/status/statusor.h"

namespace runcvm {

// `process_json` is the OCI process object `docker exec` asked for.
absl::StatusOr<int> RunExecClient(const std::string& exec_socket, const std::string& process_json);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_EXEC_CLIENT_H_
