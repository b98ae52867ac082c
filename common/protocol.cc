#include "common/protocol.h"

#include "absl/strings/str_cat.h"

namespace runcvm::protocol {
namespace {

void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

uint16_t GetU16(std::string_view in) {
  return static_cast<uint16_t>(static_cast<uint8_t>(in[0]) | static_cast<uint8_t>(in[1]) << 8);
}

bool KnownType(uint8_t type) {
  return type >= static_cast<uint8_t>(Type::kHello) && type <= static_cast<uint8_t>(Type::kDnsReply);
}

std::string U32(uint32_t v) {
  std::string s;
  PutU32(s, v);
  return s;
}

}  // namespace

std::string EncodeFrame(const Frame& frame) {
  std::string out;
  out.reserve(kHeaderSize + frame.payload.size());
  out.push_back(static_cast<char>(frame.type));
  out.push_back(static_cast<char>(frame.stream));
  PutU16(out, 0);
  PutU32(out, frame.session);
  PutU32(out, static_cast<uint32_t>(frame.payload.size()));
  out.append(frame.payload);
  return out;
}

absl::StatusOr<std::optional<Frame>> FrameDecoder::Next() {
  std::string_view rest(buffer_.data() + offset_, buffer_.size() - offset_);
  if (rest.size() < kHeaderSize) return std::nullopt;
  uint8_t type = static_cast<uint8_t>(rest[0]);
  uint32_t length = GetU32(rest.substr(8));
  if (!KnownType(type)) {
    return absl::DataLossError(absl::StrCat("control channel: unknown frame type ", type));
  }
  if (length > kMaxPayload) {
    return absl::DataLossError(absl::StrCat("control channel: frame of ", length, " bytes"));
  }
  if (rest.size() < kHeaderSize + length) return std::nullopt;
  Frame frame{static_cast<Type>(type), static_cast<uint8_t>(rest[1]), GetU32(rest.substr(4)),
              std::string(rest.substr(kHeaderSize, length))};
  offset_ += kHeaderSize + length;
  // Compact once the consumed prefix dominates, so the buffer stays about one frame long.
  if (offset_ > 4 * kMaxPayload || offset_ == buffer_.size()) {
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  return frame;
}

Frame Hello() { return {Type::kHello, 0, 0, std::string(kVersion)}; }
Frame Open(uint32_t session, std::string spec_json) {
  return {Type::kOpen, 0, session, std::move(spec_json)};
}
Frame Data(uint32_t session, uint8_t stream, std::string bytes) {
  return {Type::kData, stream, session, std::move(bytes)};
}
Frame Eof(uint32_t session, uint8_t stream) { return {Type::kEof, stream, session, {}}; }
Frame Credit(uint32_t session, uint8_t stream, uint32_t bytes) {
  return {Type::kCredit, stream, session, U32(bytes)};
}
Frame Resize(uint32_t session, uint16_t rows, uint16_t cols) {
  std::string p;
  PutU16(p, rows);
  PutU16(p, cols);
  return {Type::kResize, 0, session, p};
}
Frame Signal(uint32_t session, uint32_t signo) { return {Type::kSignal, 0, session, U32(signo)}; }
Frame Exit(uint32_t session, uint32_t code, std::string_view message) {
  return {Type::kExit, 0, session, absl::StrCat(U32(code), message)};
}
Frame Close(uint32_t session) { return {Type::kClose, 0, session, {}}; }
Frame DnsQuery(std::string payload) { return {Type::kDnsQuery, 0, 0, std::move(payload)}; }
Frame DnsReply(std::string payload) { return {Type::kDnsReply, 0, 0, std::move(payload)}; }

absl::StatusOr<uint32_t> DecodeU32(std::string_view payload) {
  if (payload.size() != 4) return absl::DataLossError("control channel: bad u32 payload");
  return GetU32(payload);
}

absl::StatusOr<WindowSize> DecodeResize(std::string_view payload) {
  if (payload.size() != 4) return absl::DataLossError("control channel: bad RESIZE payload");
  return WindowSize{GetU16(payload), GetU16(payload.substr(2))};
}

absl::StatusOr<ExitStatus> DecodeExit(std::string_view payload) {
  if (payload.size() < 4) return absl::DataLossError("control channel: bad EXIT payload");
  return ExitStatus{GetU32(payload), std::string(payload.substr(4))};
}

}  // namespace runcvm::protocol
