#include "common/status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace runcvm {
namespace {

constexpr std::string_view kExitCodePayload = "runcvm/exit-code";

absl::StatusCode CodeForErrno(int err) {
  switch (err) {
    case ENOENT: case ENOTDIR: case ESRCH: return absl::StatusCode::kNotFound;
    case EACCES: case EPERM: return absl::StatusCode::kPermissionDenied;
    case EINVAL: case E2BIG: case ENAMETOOLONG: return absl::StatusCode::kInvalidArgument;
    case EEXIST: return absl::StatusCode::kAlreadyExists;
    case ENOMEM: case ENOSPC: case EMFILE: case ENFILE: return absl::StatusCode::kResourceExhausted;
    case EAGAIN: case EBUSY: return absl::StatusCode::kUnavailable;
    case ETIMEDOUT: return absl::StatusCode::kDeadlineExceeded;
    case ENOSYS: case EOPNOTSUPP: return absl::StatusCode::kUnimplemented;
    default: return absl::StatusCode::kInternal;
  }
}

}  // namespace

absl::Status ErrnoError(int err, std::string_view context) {
  return absl::Status(CodeForErrno(err), absl::StrCat(context, ": ", std::strerror(err)));
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), absl::StrCat(context, ": ", status.message()));
  status.ForEachPayload([&](std::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

absl::Status WithExitCode(absl::Status status, int exit_code) {
  if (!status.ok()) status.SetPayload(kExitCodePayload, absl::Cord(absl::StrCat(exit_code)));
  return status;
}

std::optional<int> ExitCodeOf(const absl::Status& status) {
  std::optional<absl::Cord> payload = status.GetPayload(kExitCodePayload);
  int code;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &code)) return std::nullopt;
  return code;
}

}  // namespace runcvm
