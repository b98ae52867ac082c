// The control protocol between init (container) and the guest agent (VM); see protocol.md.
// Framing only: pure functions, no I/O.
#ifndef RUNCVM_COMMON_PROTOCOL_H_
#define RUNCVM_COMMON_PROTOCOL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace runcvm::protocol {

inline constexpr std::string_view kVersion = "runcvm/1";
inline constexpr std::string_view kPortName = "runcvm.ctl";  // the virtio-serial port's name
inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxPayload = 64 * 1024;
inline constexpr uint32_t kWindow = 256 * 1024;  // initial credit per stream and direction
inline constexpr uint32_t kWorkloadSession = 0;

enum class Type : uint8_t {
  kHello = 1,
  kOpen = 2,
  kData = 3,
  kEof = 4,
  kCredit = 5,
  kResize = 6,
  kSignal = 7,
  kExit = 8,
  kClose = 9,
  kDnsQuery = 10,  // guest -> host, payload: dns_relay.h EncodeDnsPayload
  kDnsReply = 11,  // host -> guest
};

enum Stream : uint8_t { kStdin = 0, kStdout = 1, kStderr = 2 };

struct Frame {
  Type type = Type::kData;
  uint8_t stream = 0;
  uint32_t session = 0;
  std::string payload;

  bool operator==(const Frame&) const = default;
};

std::string EncodeFrame(const Frame& frame);

// Accumulates bytes from a stream and yields whole frames.
class FrameDecoder {
 public:
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame, nullopt when more bytes are needed, or an error for a malformed frame
  // (unknown type, oversized payload); after an error the decoder is unusable.
  absl::StatusOr<std::optional<Frame>> Next();
  size_t buffered() const { return buffer_.size() - offset_; }

 private:
  std::string buffer_;
  size_t offset_ = 0;
};

// Constructors for each frame type, and payload decoders.
Frame Hello();
Frame Open(uint32_t session, std::string spec_json);
Frame Data(uint32_t session, uint8_t stream, std::string bytes);
Frame Eof(uint32_t session, uint8_t stream);
Frame Credit(uint32_t session, uint8_t stream, uint32_t bytes);
Frame Resize(uint32_t session, uint16_t rows, uint16_t cols);
Frame Signal(uint32_t session, uint32_t signo);
Frame Exit(uint32_t session, uint32_t code, std::string_view message = {});
Frame Close(uint32_t session);
Frame DnsQuery(std::string payload);  // session 0
Frame DnsReply(std::string payload);

absl::StatusOr<uint32_t> DecodeU32(std::string_view payload);
struct WindowSize {
  uint16_t rows = 0;
  uint16_t cols = 0;
};
absl::StatusOr<WindowSize> DecodeResize(std::string_view payload);
struct ExitStatus {
  uint32_t code = 0;
  std::string message;
};
absl::StatusOr<ExitStatus> DecodeExit(std::string_view payload);

}  // namespace runcvm::protocol

#endif  // RUNCVM_COMMON_PROTOCOL_H_
