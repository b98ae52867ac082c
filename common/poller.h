// A poll(2) loop small enough to read in one sitting. Callers re-register their interest every
// iteration (Watch), which keeps state in the objects that own the fds rather than in the loop.
#ifndef RUNCVM_COMMON_POLLER_H_
#define RUNCVM_COMMON_POLLER_H_

#include <poll.h>

#include <functional>
#include <vector>

#include "absl/status/status.h"

namespace runcvm {

class Poller {
 public:
  using Callback = std::function<void(short revents)>;

  // Interest for the next Wait(); cleared afterwards.
  void Watch(int fd, short events, Callback callback);
  // Waits up to `timeout_ms` (-1 forever) and runs the callbacks of the ready fds.
  absl::Status Wait(int timeout_ms);

 private:
  std::vector<pollfd> fds_;
  std::vector<Callback> callbacks_;
};

// Watches a signalfd (SFD_NONBLOCK) for the next Wait(): every signal queued on it goes to
// `on_signal`, in order, so that none is left behind to wake the next poll for nothing.
void WatchSignalFd(Poller& poller, int signal_fd, std::function<void(int signo)> on_signal);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_POLLER_H_
