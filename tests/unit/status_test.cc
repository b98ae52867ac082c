#include <sys/wait.h>

#include <cerrno>

#include "catch2/catch.hpp"
#include "common/exit_code.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {
namespace {

TEST_CASE("errno errors name their context and map to canonical codes") {
  absl::Status s = ErrnoError(ENOENT, "open '/b/config.json'");
  CHECK(s.code() == absl::StatusCode::kNotFound);
  CHECK(s.message() == "open '/b/config.json': No such file or directory");
  CHECK(ErrnoError(EACCES, "x").code() == absl::StatusCode::kPermissionDenied);
  CHECK(ErrnoError(EIO, "x").code() == absl::StatusCode::kInternal);
}

TEST_CASE("context is added on the way up and keeps the exit code") {
  absl::Status inner = WithExitCode(ErrnoError(ENOENT, "exec 'nosuch'"), kExitNotFound);
  absl::Status outer = Annotate(Annotate(inner, "start workload"), "vm-init");
  CHECK(outer.message() == "vm-init: start workload: exec 'nosuch': No such file or directory");
  CHECK(outer.code() == absl::StatusCode::kNotFound);
  CHECK(ExitCodeForError(outer) == 127);
  CHECK(Annotate(absl::OkStatus(), "ignored").ok());
}

TEST_CASE("exit codes follow runc and the shells") {
  CHECK(ExitCodeForError(absl::InternalError("boom")) == 125);
  CHECK(ExitCodeForError(absl::OkStatus()) == 0);
  CHECK(ExitCodeForExecErrno(ENOENT) == 127);
  CHECK(ExitCodeForExecErrno(EACCES) == 126);
  CHECK(ExitCodeForExecErrno(ENOEXEC) == 126);
  for (int code : {0, 1, 42, 255}) CHECK(ExitCodeFromWaitStatus(W_EXITCODE(code, 0)) == code);
  CHECK(ExitCodeFromWaitStatus(W_EXITCODE(0, SIGKILL)) == 137);
  CHECK(ExitCodeFromWaitStatus(W_EXITCODE(0, SIGTERM)) == 143);
}

TEST_CASE("runc-style JSON log lines") {
  CHECK(FormatJsonLogLine(LogLevel::kError, "bad \"RUNCVM_X\"", "2026-01-01T00:00:00Z") ==
        R"({"level":"error","msg":"bad \"RUNCVM_X\"","time":"2026-01-01T00:00:00Z"})");
}

}  // namespace
}  // namespace runcvm
