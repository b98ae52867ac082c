#include "common/stream_relay.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/channel.h"

namespace runcvm {
namespace {

// Credit goes back in chunks, not per write, so bulk output costs few frames; an idle sink
// returns whatever it owes at once so interactive sessions never stall.
constexpr uint32_t kCreditBatch = 16 * 1024;

}  // namespace

StreamRelay::~StreamRelay() {
  for (auto& [stream, source] : sources_) {
    if (source.owned && source.fd >= 0) close(source.fd);
  }
  for (auto& [stream, sink] : sinks_) {
    if (sink.owned && sink.fd >= 0) close(sink.fd);
  }
}

void StreamRelay::AddSource(uint8_t stream, int fd, bool owned) {
  (void)SetNonBlocking(fd);
  sources_[stream] = Source{fd, owned};
}

void StreamRelay::AddSink(uint8_t stream, int fd, bool owned, bool close_on_eof) {
  (void)SetNonBlocking(fd);
  Sink sink;
  sink.fd = fd;
  sink.owned = owned;
  sink.close_on_eof = close_on_eof;
  sinks_[stream] = std::move(sink);
}

void StreamRelay::OnFrame(const protocol::Frame& frame) {
  using protocol::Type;
  if (frame.type == Type::kCredit) {
    auto it = sources_.find(frame.stream);
    absl::StatusOr<uint32_t> bytes = protocol::DecodeU32(frame.payload);
    if (it != sources_.end() && bytes.ok()) it->second.credit += *bytes;
    return;
  }
  auto it = sinks_.find(frame.stream);
  if (it == sinks_.end()) {
    // No destination for this stream (e.g. stderr of a terminal session): discard, but keep the
    // sender's window open.
    if (frame.type == Type::kData && !frame.payload.empty()) {
      send_(protocol::Credit(session_, frame.stream, frame.payload.size()));
    }
    return;
  }
  Sink& sink = it->second;
  if (frame.type == Type::kData) {
    if (sink.failed) {
      send_(protocol::Credit(session_, frame.stream, frame.payload.size()));
    } else {
      sink.pending += frame.payload;
      WriteSink(frame.stream, sink);
    }
  } else if (frame.type == Type::kEof) {
    sink.eof = true;
    WriteSink(frame.stream, sink);
  }
}

void StreamRelay::Register(Poller& poller) {
  for (auto& [stream, source] : sources_) {
    if (source.done || source.credit == 0) continue;
    uint8_t s = stream;
    poller.Watch(source.fd, POLLIN, [this, s](short) {
      auto it = sources_.find(s);
      if (it != sources_.end() && !it->second.done) ReadSource(s, it->second);
    });
  }
  for (auto& [stream, sink] : sinks_) {
    if (sink.failed || sink.fd < 0 || sink.pending.empty()) continue;
    uint8_t s = stream;
    poller.Watch(sink.fd, POLLOUT, [this, s](short) {
      auto it = sinks_.find(s);
      if (it != sinks_.end()) WriteSink(s, it->second);
    });
  }
}

void StreamRelay::ReadSource(uint8_t stream, Source& source) {
  char buf[protocol::kMaxPayload];
  size_t want = std::min<size_t>(sizeof buf, source.credit);
  ssize_t n = read(source.fd, buf, want);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  // EIO is how a pty master reports that every slave is closed: the end of the stream.
  if (n <= 0) return FinishSource(stream, source);
  source.credit -= n;
  send_(protocol::Data(session_, stream, std::string(buf, n)));
}

void StreamRelay::FinishSource(uint8_t stream, Source& source) {
  source.done = true;
  if (source.owned && source.fd >= 0) close(source.fd);
  source.fd = -1;
  send_(protocol::Eof(session_, stream));
}

void StreamRelay::WriteSink(uint8_t stream, Sink& sink) {
  while (!sink.pending.empty() && !sink.failed) {
    ssize_t n = write(sink.fd, sink.pending.data(), sink.pending.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) {
      // The reader is gone (EPIPE...): drop what is pending and keep the sender moving.
      sink.failed = true;
      sink.unacknowledged += sink.pending.size();
      sink.pending.clear();
      break;
    }
    sink.pending.erase(0, n);
    sink.unacknowledged += n;
  }
  if (sink.unacknowledged >= kCreditBatch || (sink.pending.empty() && sink.unacknowledged > 0)) {
    send_(protocol::Credit(session_, stream, sink.unacknowledged));
    sink.unacknowledged = 0;
  }
  if (sink.eof && sink.pending.empty() && sink.close_on_eof && sink.fd >= 0) {
    if (sink.owned) close(sink.fd);
    sink.fd = -1;
    sink.failed = true;  // nothing more can be written
  }
}

bool StreamRelay::SourcesDone() const {
  return std::all_of(sources_.begin(), sources_.end(),
                     [](const auto& entry) { return entry.second.done; });
}

bool StreamRelay::SinksDrained() const {
  return std::all_of(sinks_.begin(), sinks_.end(), [](const auto& entry) {
    return entry.second.pending.empty() || entry.second.failed;
  });
}

void StreamRelay::DrainSinks(int timeout_ms) {
  for (auto& [stream, sink] : sinks_) {
    while (!sink.pending.empty() && !sink.failed) {
      pollfd pfd{sink.fd, POLLOUT, 0};
      if (poll(&pfd, 1, timeout_ms) <= 0) break;
      WriteSink(stream, sink);
    }
  }
}

void StreamRelay::CloseSources() {
  for (auto& [stream, source] : sources_) {
    if (source.done) continue;
    source.done = true;
    if (source.owned && source.fd >= 0) close(source.fd);
    source.fd = -1;
  }
}

}  // namespace runcvm
