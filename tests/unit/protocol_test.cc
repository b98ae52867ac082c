#include "common/protocol.h"

#include <random>

#include "catch2/catch.hpp"

namespace runcvm::protocol {
namespace {

TEST_CASE("frames round-trip through the decoder, byte by byte") {
  std::vector<Frame> frames = {Hello(),
                               Open(3, R"({"process":{"args":["ls"]}})"),
                               Data(0, kStdout, std::string("\0\xff\n binary", 10)),
                               Data(7, kStderr, std::string(kMaxPayload, 'x')),
                               Eof(0, kStdin),
                               Credit(2, kStdout, kWindow),
                               Resize(1, 24, 80),
                               Signal(0, 15),
                               Exit(4, 127, "exec: \"nosuch\": executable file not found in $PATH"),
                               Close(0),
                               DnsQuery(std::string("\x01\x02query", 7)),
                               DnsReply(std::string("\x01\x02reply", 7))};
  std::string wire;
  for (const Frame& f : frames) wire += EncodeFrame(f);
  FrameDecoder decoder;
  std::vector<Frame> decoded;
  for (char c : wire) {
    decoder.Feed(std::string_view(&c, 1));
    for (;;) {
      auto next = decoder.Next();
      REQUIRE(next.ok());
      if (!next->has_value()) break;
      decoded.push_back(**next);
    }
  }
  CHECK(decoded == frames);
  CHECK(decoder.buffered() == 0);
}

TEST_CASE("payload decoders") {
  CHECK(*DecodeU32(Credit(0, 0, 123456).payload) == 123456);
  auto ws = DecodeResize(Resize(0, 50, 132).payload);
  REQUIRE(ws.ok());
  CHECK(ws->rows == 50);
  CHECK(ws->cols == 132);
  auto exit = DecodeExit(Exit(0, 137).payload);
  REQUIRE(exit.ok());
  CHECK(exit->code == 137);
  CHECK(exit->message.empty());
  CHECK(!DecodeU32("abc").ok());
  CHECK(!DecodeExit("").ok());
}

TEST_CASE("malformed frames are errors, not crashes") {
  FrameDecoder unknown;
  std::string bad = EncodeFrame(Hello());
  bad[0] = 42;
  unknown.Feed(bad);
  CHECK(!unknown.Next().ok());

  FrameDecoder oversized;
  std::string big = EncodeFrame(Data(0, kStdout, "x"));
  big[8] = 0;
  big[9] = 0;
  big[10] = 2;  // 128 KiB
  oversized.Feed(big);
  CHECK(!oversized.Next().ok());
}

TEST_CASE("random bytes never crash the decoder") {
  std::mt19937 rng(1);
  for (int round = 0; round < 200; ++round) {
    FrameDecoder decoder;
    std::string junk(rng() % 4096, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    decoder.Feed(junk);
    for (int i = 0; i < 1000; ++i) {
      auto next = decoder.Next();
      if (!next.ok() || !next->has_value()) break;
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace runcvm::protocol
