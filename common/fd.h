// File-descriptor and file helpers: RAII ownership and the read/write loops everyone needs.
#ifndef RUNCVM_COMMON_FD_H_
#define RUNCVM_COMMON_FD_H_

#include <unistd.h>

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace runcvm {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

absl::StatusOr<std::string> ReadFile(const std::string& path);
// Writes `data` to `path` through a temporary file and rename(2), keeping an existing file's mode.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);
absl::Status WriteFile(const std::string& path, std::string_view data, mode_t mode = 0644);

// Loops over short writes and EINTR.
absl::Status WriteAll(int fd, std::string_view data);
// Reads until EOF.
absl::StatusOr<std::string> ReadAll(int fd);

bool PathExists(const std::string& path);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_FD_H_
