// Moves one session's stdio between local file descriptors and control-channel frames, with the
// protocol's credit-based flow control (protocol.md): a source sends no more than its credit, a
// sink returns credit only once bytes have reached their destination. Used at both ends: in the
// guest (sources: the process's stdout/stderr; sink: its stdin) and in the container (source:
// the container's stdin; sinks: its stdout and stderr).
#ifndef RUNCVM_COMMON_STREAM_RELAY_H_
#define RUNCVM_COMMON_STREAM_RELAY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/poller.h"
#include "common/protocol.h"

namespace runcvm {

class StreamRelay {
 public:
  using SendFn = std::function<void(protocol::Frame)>;

  StreamRelay(uint32_t session, SendFn send) : session_(session), send_(std::move(send)) {}
  ~StreamRelay();
  StreamRelay(const StreamRelay&) = delete;
  StreamRelay& operator=(const StreamRelay&) = delete;

  // Bytes read from `fd` travel as `stream`. With `owned`, the relay closes `fd` when done.
  void AddSource(uint8_t stream, int fd, bool owned);
  // Bytes of `stream` are written to `fd`. `close_on_eof` closes it at the stream's end (a pipe
  // to a process's stdin); otherwise it stays open (a pty, or the container's own stdout).
  void AddSink(uint8_t stream, int fd, bool owned, bool close_on_eof);

  // DATA, EOF and CREDIT frames of this session.
  void OnFrame(const protocol::Frame& frame);
  void Register(Poller& poller);

  // Every source has reached end of file and said so.
  bool SourcesDone() const;
  // Everything received has been written (or its sink has failed).
  bool SinksDrained() const;
  // Blocks until sinks are drained or `timeout_ms` passes: the last output before exit.
  void DrainSinks(int timeout_ms);
  // Stops reading a source (e.g. the container's stdin once the workload has exited).
  void CloseSources();

 private:
  struct Source {
    int fd = -1;
    bool owned = false;
    uint32_t credit = protocol::kWindow;
    bool done = false;
  };
  struct Sink {
    int fd = -1;
    bool owned = false;
    bool close_on_eof = false;
    std::string pending;
    uint32_t unacknowledged = 0;
    bool eof = false;
    bool failed = false;
  };

  void ReadSource(uint8_t stream, Source& source);
  void WriteSink(uint8_t stream, Sink& sink);
  void FinishSource(uint8_t stream, Source& source);

  uint32_t session_;
  SendFn send_;
  std::map<uint8_t, Source> sources_;
  std::map<uint8_t, Sink> sinks_;
};

}  // namespace runcvm

#endif  // RUNCVM_COMMON_STREAM_RELAY_H_
