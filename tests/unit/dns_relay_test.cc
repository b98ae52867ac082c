#include "common/dns_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "catch2/catch.hpp"
#include "tests/unit/fake_dns_server.h"

namespace runcvm {
namespace {

// A query for example.com A with an EDNS OPT record, as dig sends it.
std::string ExampleQuery(uint16_t dns_id = 0x1234) {
  std::string q;
  q += static_cast<char>(dns_id >> 8);
  q += static_cast<char>(dns_id & 0xff);
  q += std::string("\x01\x20\x00\x01\x00\x00\x00\x00\x00\x01", 10);  // RD AD, 1 question, 1 additional
  q += std::string("\x07" "example\x03" "com\x00", 13);
  q += std::string("\x00\x01\x00\x01", 4);  // A IN
  q += std::string("\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);  // OPT
  return q;
}

TEST_CASE("DNS payloads round-trip, id little-endian then the transport") {
  DnsMessage m{0x01020304, DnsTransport::kTcp, std::string("\0\x01binary", 8)};
  std::string wire = EncodeDnsPayload(m);
  CHECK(wire.substr(0, 5) == std::string("\x04\x03\x02\x01\x01", 5));
  auto decoded = DecodeDnsPayload(wire);
  REQUIRE(decoded.ok());
  CHECK(*decoded == m);
  CHECK_FALSE(DecodeDnsPayload("\x01\x02\x03").ok());
  CHECK_FALSE(DecodeDnsPayload(std::string("\x01\x00\x00\x00\x07", 5)).ok());
}

TEST_CASE("DNS over TCP: two-byte big-endian lengths, messages taken whole") {
  std::string a(300, 'a'), b = "bb";
  std::string stream = TcpDnsFrame(a) + TcpDnsFrame(b);
  CHECK(stream.substr(0, 2) == std::string("\x01\x2c", 2));
  std::string buffer;
  std::vector<std::string> got;
  for (char c : stream) {
    buffer.push_back(c);
    while (auto m = TakeTcpDnsMessage(buffer)) got.push_back(*m);
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0] == a);
  CHECK(got[1] == b);
  CHECK(buffer.empty());
}

TEST_CASE("SERVFAIL keeps the id and the question, drops the rest") {
  std::string query = ExampleQuery();
  std::string fail = DnsServfail(query);
  REQUIRE(fail.size() == 12 + 13 + 4);
  CHECK(fail.substr(0, 2) == query.substr(0, 2));
  CHECK((static_cast<unsigned char>(fail[2]) & 0x80) == 0x80);  // a response
  CHECK((static_cast<unsigned char>(fail[3]) & 0x0f) == 2);     // SERVFAIL
  CHECK(fail.substr(4, 8) == std::string("\x00\x01\x00\x00\x00\x00\x00\x00", 8));
  CHECK(fail.substr(12) == query.substr(12, 17));
  CHECK(DnsServfail("short").empty());
  CHECK(DnsServfail(query.substr(0, 20)).empty());  // truncated question
  CHECK(DnsServfail(fail).empty());                  // already a response
}

TEST_CASE("resolv.conf names Docker's embedded DNS on user-defined networks only") {
  CHECK(ResolvConfUsesEmbeddedDns("search x\nnameserver 127.0.0.11\noptions ndots:0\n"));
  CHECK(ResolvConfUsesEmbeddedDns("  nameserver\t127.0.0.11"));
  CHECK_FALSE(ResolvConfUsesEmbeddedDns("nameserver 8.8.8.8\nnameserver 1.1.1.1\n"));
  CHECK_FALSE(ResolvConfUsesEmbeddedDns("# nameserver 127.0.0.11\n"));
  CHECK_FALSE(ResolvConfUsesEmbeddedDns("nameserver 127.0.0.111\n"));
}

// A client in the "VM": sends `query` to the listener over UDP or TCP; returns the socket.
UniqueFd AskListener(uint16_t port, DnsTransport transport, const std::string& query) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  bool tcp = transport == DnsTransport::kTcp;
  UniqueFd fd(socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0));
  REQUIRE(connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  REQUIRE(WriteAll(fd.get(), tcp ? TcpDnsFrame(query) : query).ok());
  return fd;
}

std::string ReadAnswer(int fd, DnsTransport transport) {
  std::string in;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) != 1) return "";
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return "";
    if (transport == DnsTransport::kUdp) return std::string(buf, n);
    in.append(buf, n);
    if (auto m = TakeTcpDnsMessage(in)) return *m;
  }
}

TEST_CASE("a query travels listener -> forwarder -> upstream and back, over UDP and TCP") {
  FakeDnsServer upstream;
  DnsListener listener;
  REQUIRE(listener.Listen("127.0.0.1", 0).ok());
  DnsForwarder forwarder("127.0.0.1", upstream.port(), absl::Seconds(5));

  for (DnsTransport transport : {DnsTransport::kUdp, DnsTransport::kTcp}) {
    std::string query = ExampleQuery(transport == DnsTransport::kUdp ? 0x1111 : 0x2222);
    UniqueFd client = AskListener(listener.port(), transport, query);
    // The control channel, reduced to two queues of encoded payloads.
    std::vector<std::string> to_host, to_guest;
    std::string answer;
    for (int round = 0; round < 200 && answer.empty(); ++round) {
      Poller poller;
      listener.Register(poller, [&](DnsMessage q) { to_host.push_back(EncodeDnsPayload(q)); });
      forwarder.Register(poller, [&](DnsMessage r) { to_guest.push_back(EncodeDnsPayload(r)); });
      upstream.Register(poller);
      REQUIRE(poller.Wait(50).ok());
      for (std::string& p : to_host) forwarder.Forward(*DecodeDnsPayload(p));
      for (std::string& p : to_guest) listener.Reply(*DecodeDnsPayload(p));
      to_host.clear();
      to_guest.clear();
      // The listener writes TCP replies when its socket polls writable.
      answer = ReadAnswer(client.get(), transport);
    }
    CHECK(answer == upstream.Answer(query));
    CHECK(forwarder.pending() == 0);
  }
}

TEST_CASE("an upstream that never answers yields SERVFAIL after the timeout") {
  // A bound UDP socket that never reads: the query is accepted and left unanswered.
  UniqueFd silent(socket(AF_INET, SOCK_DGRAM, 0));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(silent.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  socklen_t len = sizeof sa;
  getsockname(silent.get(), reinterpret_cast<sockaddr*>(&sa), &len);
  DnsForwarder forwarder("127.0.0.1", ntohs(sa.sin_port), absl::Milliseconds(300));
  forwarder.Forward({7, DnsTransport::kUdp, ExampleQuery()});
  std::vector<DnsMessage> replies;
  for (int round = 0; round < 40 && replies.empty(); ++round) {
    Poller poller;
    forwarder.Register(poller, [&](DnsMessage r) { replies.push_back(std::move(r)); });
    REQUIRE(poller.Wait(1000).ok());
  }
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].id == 7);
  CHECK(replies[0].bytes == DnsServfail(ExampleQuery()));
}

TEST_CASE("nobody listening upstream: SERVFAIL at once, not after the timeout") {
  DnsForwarder forwarder("127.0.0.1", 1, absl::Seconds(60));  // port 1: refused
  forwarder.Forward({9, DnsTransport::kTcp, ExampleQuery()});
  std::vector<DnsMessage> replies;
  for (int round = 0; round < 20 && replies.empty(); ++round) {
    Poller poller;
    forwarder.Register(poller, [&](DnsMessage r) { replies.push_back(std::move(r)); });
    REQUIRE(poller.Wait(100).ok());
  }
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].transport == DnsTransport::kTcp);
  CHECK(replies[0].bytes == DnsServfail(ExampleQuery()));
}

TEST_CASE("the forwarder asks an IPv6 upstream (a --dns server may be one)") {
  FakeDnsServer server("::1");
  if (!server.ok()) {
    WARN("no IPv6 loopback here: not tested");
    return;
  }
  DnsForwarder forwarder("::1", server.port(), absl::Seconds(5));
  forwarder.Forward({11, DnsTransport::kUdp, ExampleQuery()});
  std::vector<DnsMessage> replies;
  for (int round = 0; round < 40 && replies.empty(); ++round) {
    Poller poller;
    forwarder.Register(poller, [&](DnsMessage r) { replies.push_back(std::move(r)); });
    server.Register(poller);
    REQUIRE(poller.Wait(100).ok());
  }
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].bytes == server.Answer(ExampleQuery()));
}

}  // namespace
}  // namespace runcvm
