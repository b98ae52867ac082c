#include "common/dns_fallback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "absl/time/clock.h"
#include "catch2/catch.hpp"
#include "common/dns_servers.h"
#include "tests/unit/fake_dns_server.h"

namespace runcvm {
namespace {

std::string Query(uint16_t dns_id) {
  std::string q;
  q += static_cast<char>(dns_id >> 8);
  q += static_cast<char>(dns_id & 0xff);
  q += std::string("\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10);
  q += std::string("\x07" "outside\x04" "test\x00", 14);
  q += std::string("\x00\x01\x00\x01", 4);
  return q;
}

// Runs the loop until a reply reached the client or `limit` passed; `docker` is called every
// round with the time since the query, to play Docker's part.
struct Harness {
  std::vector<DnsMessage> replies;
  DnsFallback fallback{[this](const DnsMessage& r) { replies.push_back(r); }};
  absl::Time start = absl::Now();

  // The fallback asks `servers` (all on `port`); a query with this id has just gone to Docker.
  DnsMessage Ask(const std::vector<std::string>& servers, uint16_t port, uint32_t id,
                 uint16_t dns_id) {
    fallback.UseServers(servers, port);
    DnsMessage query{id, DnsTransport::kUdp, Query(dns_id)};
    fallback.Asked(query);
    start = absl::Now();
    return query;
  }

  absl::Duration RunUntilReply(std::vector<FakeDnsServer*> servers,
                               const std::function<void(absl::Duration)>& docker,
                               absl::Duration limit = absl::Seconds(8)) {
    while (replies.empty() && absl::Now() - start < limit) {
      Poller poller;
      fallback.Register(poller);
      for (FakeDnsServer* s : servers) s->Register(poller);
      REQUIRE(poller.Wait(20).ok());
      docker(absl::Now() - start);
    }
    return absl::Now() - start;
  }
};

TEST_CASE("Docker's answer to a name it knows goes straight back; no server is asked") {
  FakeDnsServer server("127.0.0.1", 0, kDnsNoError);
  Harness h;
  DnsMessage query = h.Ask({"127.0.0.1"}, server.port(), 1, 0x1001);
  bool answered = false;
  h.RunUntilReply({&server}, [&](absl::Duration) {
    if (answered) return;
    answered = true;
    h.fallback.DockerAnswered({1, DnsTransport::kUdp, DnsResponse(query.bytes, kDnsNoError)});
  });
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].bytes == DnsResponse(query.bytes, kDnsNoError));
  CHECK(server.queries() == 0);
  CHECK(h.fallback.pending() == 0);
}

TEST_CASE("a name Docker does not answer is asked of the external server after the grace") {
  FakeDnsServer server("127.0.0.1", 0, kDnsNoError);
  Harness h;
  DnsMessage query = h.Ask({"127.0.0.1"}, server.port(), 2, 0x2002);
  absl::Duration took = h.RunUntilReply({&server}, [](absl::Duration) {});
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].id == 2);
  CHECK(h.replies[0].bytes == DnsResponse(query.bytes, kDnsNoError));
  CHECK(server.queries() == 1);
  CHECK(took >= kDockerGrace);
  CHECK(took < kNegativeHold);
  // Docker's late SERVFAIL (the relay giving up) finds nobody waiting and goes nowhere harmful.
  h.fallback.DockerAnswered({2, DnsTransport::kUdp, DnsServfail(query.bytes)});
  CHECK(h.replies.size() == 2);  // passed on: the listener drops ids it no longer knows
}

TEST_CASE("a negative answer is held for Docker, and Docker's answer wins within the hold") {
  FakeDnsServer server("127.0.0.1", 0, kDnsNxdomain);
  Harness h;
  DnsMessage query = h.Ask({"127.0.0.1"}, server.port(), 3, 0x3003);
  bool answered = false;
  h.RunUntilReply({&server}, [&](absl::Duration since) {
    // Docker, slow under load, answers after the server's NXDOMAIN but within the hold.
    if (answered || server.queries() == 0 || since < kDockerGrace + absl::Milliseconds(200)) return;
    answered = true;
    h.fallback.DockerAnswered({3, DnsTransport::kUdp, DnsResponse(query.bytes, kDnsNoError)});
  });
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].bytes == DnsResponse(query.bytes, kDnsNoError));
}

TEST_CASE("a negative answer reaches the client when the hold is over") {
  FakeDnsServer server("127.0.0.1", 0, kDnsNxdomain);
  Harness h;
  DnsMessage query = h.Ask({"127.0.0.1"}, server.port(), 4, 0x4004);
  absl::Duration took = h.RunUntilReply({&server}, [](absl::Duration) {});
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].bytes == DnsResponse(query.bytes, kDnsNxdomain));
  CHECK(took >= kNegativeHold);
  CHECK(took < kNegativeHold + absl::Seconds(1));
}

TEST_CASE("a failing server passes the query to the next; Docker's SERVFAIL skips the grace") {
  FakeDnsServer failing("127.0.0.1", 0, kDnsServfail);
  FakeDnsServer good("127.0.0.2", failing.port(), kDnsNoError);
  Harness h;
  DnsMessage query = h.Ask({"127.0.0.1", "127.0.0.2"}, failing.port(), 5, 0x5005);
  h.fallback.DockerAnswered({5, DnsTransport::kUdp, DnsServfail(query.bytes)});
  absl::Duration took = h.RunUntilReply({&failing, &good}, [](absl::Duration) {});
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].bytes == DnsResponse(query.bytes, kDnsNoError));
  CHECK(failing.queries() == 1);
  CHECK(good.queries() == 1);
  CHECK(took < kDockerGrace);
}

TEST_CASE("without external servers every reply is Docker's, SERVFAIL included") {
  Harness h;
  DnsMessage query{6, DnsTransport::kTcp, Query(0x6006)};
  h.fallback.Asked(query);
  CHECK(h.fallback.pending() == 0);
  h.fallback.DockerAnswered({6, DnsTransport::kTcp, DnsServfail(query.bytes)});
  REQUIRE(h.replies.size() == 1);
  CHECK(h.replies[0].transport == DnsTransport::kTcp);
  CHECK(DnsRcode(h.replies[0].bytes) == kDnsServfail);
}

TEST_CASE("external servers: --dns first, else the host's; no loopback, no repeats") {
  CHECK(ResolvConfNameservers("# c\nnameserver 10.0.0.1\n  nameserver\t::1\nsearch x\n") ==
        std::vector<std::string>{"10.0.0.1", "::1"});
  Json hostconfig = ParseJson(R"({"Dns":["192.0.2.53","2001:db8::53"],"DnsSearch":[]})", "t").value();
  CHECK(HostConfigDnsServers(hostconfig) == std::vector<std::string>{"192.0.2.53", "2001:db8::53"});
  CHECK(HostConfigDnsServers(ParseJson(R"({"Dns":null})", "t").value()).empty());
  std::vector<std::string> host = {"127.0.0.53", "10.0.0.1", "10.0.0.1", "::1", "fd00::1", "x"};
  CHECK(ExternalDnsServers({}, host) == std::vector<std::string>{"10.0.0.1", "fd00::1"});
  CHECK(ExternalDnsServers({"192.0.2.53"}, host) == std::vector<std::string>{"192.0.2.53"});
  CHECK(ExternalDnsServers({"127.0.0.1"}, host).empty());  // Docker asks it from the host
  CHECK(HostResolvConfPath("nameserver 127.0.0.53\noptions edns0\n") ==
        "/run/systemd/resolve/resolv.conf");
  CHECK(HostResolvConfPath("nameserver 10.0.0.1\n") == "/etc/resolv.conf");
}

}  // namespace
}  // namespace runcvm
