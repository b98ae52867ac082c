// A framed, non-blocking, bidirectional connection: the virtio-serial port in the guest, the
// QEMU chardev socket and the exec clients' sockets in the container.
#ifndef RUNCVM_COMMON_CHANNEL_H_
#define RUNCVM_COMMON_CHANNEL_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "common/fd.h"
#include "common/poller.h"
#include "common/protocol.h"

namespace runcvm {

class FrameChannel {
 public:
  using FrameHandler = std::function<void(protocol::Frame)>;

  // Takes ownership of `fd` and makes it non-blocking.
  explicit FrameChannel(UniqueFd fd);

  void Send(const protocol::Frame& frame);
  // Watches the fd; decoded frames go to `handler`. On end of file or a protocol error the
  // channel closes and `closed()` says why.
  void Register(Poller& poller, FrameHandler handler);
  // Writes what is queued, blocking, up to `timeout_ms`; for the last frames before exit.
  absl::Status Flush(int timeout_ms);

  bool open() const { return fd_.valid(); }
  const absl::Status& closed() const { return closed_; }
  size_t pending_output() const { return out_.size() - out_offset_; }
  int fd() const { return fd_.get(); }

 private:
  void ReadSome(const FrameHandler& handler);
  void WriteSome();
  void Fail(absl::Status why);

  UniqueFd fd_;
  protocol::FrameDecoder decoder_;
  std::string out_;
  size_t out_offset_ = 0;
  absl::Status closed_;
};

// Sets O_NONBLOCK on `fd`.
absl::Status SetNonBlocking(int fd);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_CHANNEL_H_
