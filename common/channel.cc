#include "common/channel.h"

#include <fcntl.h>

#include <cerrno>

#include "common/status.h"

namespace runcvm {

absl::Status SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    return ErrnoError(errno, "fcntl O_NONBLOCK");
  }
  return absl::OkStatus();
}

FrameChannel::FrameChannel(UniqueFd fd) : fd_(std::move(fd)) { (void)SetNonBlocking(fd_.get()); }

void FrameChannel::Send(const protocol::Frame& frame) {
  if (!open()) return;
  out_ += protocol::EncodeFrame(frame);
}

void FrameChannel::Register(Poller& poller, FrameHandler handler) {
  if (!open()) return;
  short events = POLLIN | (pending_output() > 0 ? POLLOUT : 0);
  poller.Watch(fd_.get(), events, [this, handler = std::move(handler)](short revents) {
    if (revents & POLLOUT) WriteSome();
    if (open() && (revents & (POLLIN | POLLHUP | POLLERR))) ReadSome(handler);
  });
}

void FrameChannel::ReadSome(const FrameHandler& handler) {
  char buf[65536];
  ssize_t n = read(fd_.get(), buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n < 0) return Fail(ErrnoError(errno, "control channel read"));
  if (n == 0) return Fail(absl::UnavailableError("control channel closed"));
  decoder_.Feed(std::string_view(buf, n));
  for (;;) {
    absl::StatusOr<std::optional<protocol::Frame>> frame = decoder_.Next();
    if (!frame.ok()) return Fail(frame.status());
    if (!frame->has_value()) return;
    handler(std::move(**frame));
    if (!open()) return;
  }
}

void FrameChannel::WriteSome() {
  while (pending_output() > 0) {
    ssize_t n = write(fd_.get(), out_.data() + out_offset_, pending_output());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) return Fail(ErrnoError(errno, "control channel write"));
    out_offset_ += n;
  }
  if (out_offset_ == out_.size() || out_offset_ > (1 << 20)) {
    out_.erase(0, out_offset_);
    out_offset_ = 0;
  }
}

absl::Status FrameChannel::Flush(int timeout_ms) {
  while (open() && pending_output() > 0) {
    pollfd pfd{fd_.get(), POLLOUT, 0};
    int n = poll(&pfd, 1, timeout_ms);
    if (n == 0) return absl::DeadlineExceededError("control channel flush timed out");
    if (n < 0 && errno != EINTR) return ErrnoError(errno, "poll");
    WriteSome();
  }
  return closed_;
}

void FrameChannel::Fail(absl::Status why) {
  closed_ = std::move(why);
  fd_.reset();
}

}  // namespace runcvm
