#include "common/poller.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "common/status.h"

namespace runcvm {

void Poller::Watch(int fd, short events, Callback callback) {
  fds_.push_back({fd, events, 0});
  callbacks_.push_back(std::move(callback));
}

absl::Status Poller::Wait(int timeout_ms) {
  std::vector<pollfd> fds = std::move(fds_);
  std::vector<Callback> callbacks = std::move(callbacks_);
  fds_.clear();
  callbacks_.clear();
  int n = poll(fds.data(), fds.size(), timeout_ms);
  if (n < 0) return errno == EINTR ? absl::OkStatus() : ErrnoError(errno, "poll");
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents != 0) callbacks[i](fds[i].revents);
  }
  return absl::OkStatus();
}

void WatchSignalFd(Poller& poller, int signal_fd, std::function<void(int signo)> on_signal) {
  poller.Watch(signal_fd, POLLIN, [signal_fd, on_signal = std::move(on_signal)](short) {
    signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof info) == sizeof info) {
      on_signal(static_cast<int>(info.ssi_signo));
    }
  });
}

}  // namespace runcvm
