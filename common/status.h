// The error currency: absl::Status / absl::StatusOr<T>, with context added on the way up, e.g.
//   rewrite config: open '/b/config.json': No such file or directory
// Errors carry an optional exit code (126, 127, ...) as a payload so that the one place that
// reports them, an applet's main, can exit the way runc would.
#ifndef RUNCVM_COMMON_STATUS_H_
#define RUNCVM_COMMON_STATUS_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace runcvm {

// An error from a failed system call: `context: strerror(err)`, with a canonical code derived
// from errno (ENOENT -> NotFound, EACCES/EPERM -> PermissionDenied, EINVAL -> InvalidArgument...).
absl::Status ErrnoError(int err, std::string_view context);

// Prefixes `context: ` to the message of a failed status, keeping its code and payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context);

// Attaches the exit code the reporting applet should use for this error (e.g. 127 for an
// executable that does not exist). Without one, an applet's own failure exits 125.
absl::Status WithExitCode(absl::Status status, int exit_code);
std::optional<int> ExitCodeOf(const absl::Status& status);

}  // namespace runcvm

#define RUNCVM_STATUS_CONCAT_INNER_(a, b) a##b
#define RUNCVM_STATUS_CONCAT_(a, b) RUNCVM_STATUS_CONCAT_INNER_(a, b)

// Returns early with the status of `expr` when it failed.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    if (absl::Status _st = (expr); !_st.ok()) return _st; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())`: binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(RUNCVM_STATUS_CONCAT_(_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // RUNCVM_COMMON_STATUS_H_
