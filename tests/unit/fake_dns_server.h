// A DNS server for the relay's unit tests: bound to an address (IPv4 or IPv6) of this machine,
// it answers every query over UDP and TCP with the query itself turned into a response with
// `rcode`, and counts the queries.
#ifndef RUNCVM_TESTS_UNIT_FAKE_DNS_SERVER_H_
#define RUNCVM_TESTS_UNIT_FAKE_DNS_SERVER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "catch2/catch.hpp"
#include "common/dns_relay.h"
#include "common/fd.h"
#include "common/poller.h"

namespace runcvm {

// `query` turned into a response with `rcode`: QR set, RCODE replaced, the rest as asked.
inline std::string DnsResponse(std::string query, int rcode) {
  query[2] = static_cast<char>(query[2] | 0x80);
  query[3] = static_cast<char>((query[3] & 0xf0) | rcode);
  return query;
}

class FakeDnsServer {
 public:
  // `port` 0 picks a free one (port() tells which). Without IPv6 on this machine an IPv6 server
  // does not bind: ok() says so.
  explicit FakeDnsServer(const char* address = "127.0.0.1", uint16_t port = 0,
                         int rcode = kDnsNoError)
      : rcode_(rcode) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(port);
      len = sizeof *v4;
    } else {
      REQUIRE(inet_pton(AF_INET6, address, &v6->sin6_addr) == 1);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(port);
      len = sizeof *v6;
    }
    auto* sa = reinterpret_cast<sockaddr*>(&ss);
    udp_.reset(socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0));
    if (bind(udp_.get(), sa, len) != 0) {
      REQUIRE(ss.ss_family == AF_INET6);  // IPv4 loopback is always there
      return;
    }
    getsockname(udp_.get(), sa, &len);
    port_ = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    tcp_.reset(socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0));
    int one = 1;
    setsockopt(tcp_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    REQUIRE(bind(tcp_.get(), sa, len) == 0);
    REQUIRE(listen(tcp_.get(), 4) == 0);
  }

  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  int queries() const { return queries_; }

  // `query` as this server answers it.
  std::string Answer(std::string query) const { return DnsResponse(std::move(query), rcode_); }

  void Register(Poller& poller) {
    poller.Watch(udp_.get(), POLLIN, [this](short) {
      char buf[4096];
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      ssize_t n =
          recvfrom(udp_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&peer), &len);
      if (n <= 0) return;
      ++queries_;
      std::string a = Answer(std::string(buf, n));
      sendto(udp_.get(), a.data(), a.size(), 0, reinterpret_cast<sockaddr*>(&peer), len);
    });
    poller.Watch(tcp_.get(), POLLIN, [this](short) {
      int fd = accept(tcp_.get(), nullptr, nullptr);
      if (fd < 0) return;
      std::string in;
      char buf[4096];
      std::optional<std::string> q;
      while (!q) {  // a test: the query is small and arrives at once
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, n);
        q = TakeTcpDnsMessage(in);
      }
      if (q) {
        ++queries_;
        (void)WriteAll(fd, TcpDnsFrame(Answer(*q)));
      }
      close(fd);
    });
  }

 private:
  int rcode_;
  UniqueFd udp_, tcp_;
  uint16_t port_ = 0;
  int queries_ = 0;
};

}  // namespace runcvm

#endif  // RUNCVM_TESTS_UNIT_FAKE_DNS_SERVER_H_
