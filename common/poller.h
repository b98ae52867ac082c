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

}  // namespace runcvm

#endif  // RUNCVM_COMMON_POLLER_H_
