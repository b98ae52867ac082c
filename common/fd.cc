#include "common/fd.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace runcvm {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("open '", path, "'"));
  absl::StatusOr<std::string> data = ReadAll(fd.get());
  if (!data.ok()) return Annotate(data.status(), absl::StrCat("read '", path, "'"));
  return data;
}

absl::StatusOr<std::string> ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, "read");
    if (n == 0) return out;
    out.append(buf, n);
  }
}

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError(errno, "write");
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, std::string_view data, mode_t mode) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("open '", path, "'"));
  return Annotate(WriteAll(fd.get(), data), absl::StrCat("write '", path, "'"));
}

absl::Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  std::string tmp = absl::StrCat(path, ".runcvm-tmp.", getpid());
  if (absl::Status s = WriteFile(tmp, data, mode); !s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  if (chmod(tmp.c_str(), mode) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError(err, absl::StrCat("replace '", path, "'"));
  }
  return absl::OkStatus();
}

bool PathExists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace runcvm
