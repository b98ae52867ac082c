#include "common/dns_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/dns_servers.h"
#include "common/status.h"

namespace runcvm {
namespace {

constexpr size_t kDnsHeader = 12;
// A UDP client asks again after its own timeout (5 s by default in glibc and musl), with a new
// query: forget an unanswered one after a while. TCP connections idle that long are closed.
constexpr absl::Duration kClientLifetime = absl::Seconds(30);
constexpr size_t kMaxTcpClients = 64;
constexpr absl::Duration kTick = absl::Milliseconds(250);

uint16_t Be16(std::string_view s, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(s[at]) << 8) |
                               static_cast<unsigned char>(s[at + 1]));
}

// A periodic timerfd while `on`, disarmed otherwise: the deadline check runs at each tick.
void SetTicking(const UniqueFd& timer, bool on) {
  itimerspec spec{};
  if (on) {
    spec.it_interval.tv_nsec = absl::ToInt64Nanoseconds(kTick);
    spec.it_value = spec.it_interval;
  }
  timerfd_settime(timer.get(), 0, &spec, nullptr);
}

UniqueFd NewTimer() {
  return UniqueFd(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
}

void DrainTimer(const UniqueFd& timer) {
  uint64_t ticks;
  while (read(timer.get(), &ticks, sizeof ticks) == sizeof ticks) {
  }
}

absl::StatusOr<sockaddr_in> Ipv4SocketAddress(const std::string& address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("DNS relay: '", address, "' is not IPv4"));
  }
  return sa;
}

// An upstream server's socket address: IPv4 or IPv6 (a --dns server may be either).
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

absl::StatusOr<SocketAddress> IpSocketAddress(const std::string& address, uint16_t port) {
  SocketAddress sa;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&sa.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&sa.storage);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    sa.length = sizeof *v4;
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    sa.length = sizeof *v6;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("DNS relay: '", address, "' is not an IP address"));
  }
  return sa;
}

}  // namespace

std::string EncodeDnsPayload(const DnsMessage& message) {
  std::string out(5, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((message.id >> (8 * i)) & 0xff);
  out[4] = static_cast<char>(message.transport);
  out.append(message.bytes);
  return out;
}

absl::StatusOr<DnsMessage> DecodeDnsPayload(std::string_view payload) {
  if (payload.size() < 5) return absl::InvalidArgumentError("DNS payload: too short");
  DnsMessage message;
  for (int i = 0; i < 4; ++i) {
    message.id |= static_cast<uint32_t>(static_cast<unsigned char>(payload[i])) << (8 * i);
  }
  uint8_t transport = static_cast<uint8_t>(payload[4]);
  if (transport > 1) {
    return absl::InvalidArgumentError(absl::StrCat("DNS payload: transport ", transport));
  }
  message.transport = static_cast<DnsTransport>(transport);
  message.bytes = std::string(payload.substr(5));
  return message;
}

std::optional<std::string> TakeTcpDnsMessage(std::string& buffer) {
  if (buffer.size() < 2) return std::nullopt;
  size_t length = Be16(buffer, 0);
  if (buffer.size() < 2 + length) return std::nullopt;
  std::string message = buffer.substr(2, length);
  buffer.erase(0, 2 + length);
  return message;
}

std::string TcpDnsFrame(std::string_view message) {
  std::string out;
  out.push_back(static_cast<char>((message.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(message.size() & 0xff));
  out.append(message);
  return out;
}

std::string DnsServfail(std::string_view query) {
  if (query.size() < kDnsHeader) return "";
  if ((static_cast<unsigned char>(query[2]) & 0x80) != 0) return "";  // a response, not a query
  size_t questions = Be16(query, 4);
  size_t at = kDnsHeader;
  for (size_t q = 0; q < questions; ++q) {
    // QNAME: labels up to a zero byte (a query carries no compression pointers), then 4 bytes.
    for (;;) {
      if (at >= query.size()) return "";
      unsigned char len = static_cast<unsigned char>(query[at]);
      if (len == 0) break;
      if (len > 63) return "";
      at += 1 + len;
    }
    at += 1 + 4;
    if (at > query.size()) return "";
  }
  std::string reply(query.substr(0, at));
  reply[2] = static_cast<char>(static_cast<unsigned char>(reply[2]) | 0x80);  // QR
  reply[3] = static_cast<char>((static_cast<unsigned char>(reply[3]) & 0xf0) | 2);  // SERVFAIL
  for (size_t i = 6; i < kDnsHeader; ++i) reply[i] = 0;  // no answer, authority or additional
  return reply;
}

int DnsRcode(std::string_view message) {
  if (message.size() < kDnsHeader) return -1;
  return static_cast<unsigned char>(message[3]) & 0x0f;
}

bool ResolvConfUsesEmbeddedDns(std::string_view resolv_conf) {
  std::vector<std::string> servers = ResolvConfNameservers(resolv_conf);
  return std::find(servers.begin(), servers.end(), kEmbeddedDnsAddress) != servers.end();
}

// --- DnsListener ----------------------------------------------------------------------------------

absl::Status DnsListener::Listen(const std::string& address, uint16_t port) {
  ASSIGN_OR_RETURN(sockaddr_in sa, Ipv4SocketAddress(address, port));
  UniqueFd udp(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!udp.valid()) return ErrnoError(errno, "DNS relay: UDP socket");
  if (bind(udp.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    return ErrnoError(errno, absl::StrCat("DNS relay: bind UDP ", address, ":", port));
  }
  socklen_t len = sizeof sa;
  getsockname(udp.get(), reinterpret_cast<sockaddr*>(&sa), &len);
  UniqueFd tcp(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!tcp.valid()) return ErrnoError(errno, "DNS relay: TCP socket");
  int one = 1;
  setsockopt(tcp.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(tcp.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    return ErrnoError(errno, absl::StrCat("DNS relay: bind TCP ", address, ":", ntohs(sa.sin_port)));
  }
  if (listen(tcp.get(), 16) != 0) return ErrnoError(errno, "DNS relay: listen");
  timer_ = NewTimer();
  if (!timer_.valid()) return ErrnoError(errno, "DNS relay: timerfd");
  udp_ = std::move(udp);
  tcp_ = std::move(tcp);
  port_ = ntohs(sa.sin_port);
  return absl::OkStatus();
}

void DnsListener::Register(Poller& poller, QueryHandler on_query) {
  if (!udp_.valid()) return;
  poller.Watch(udp_.get(), POLLIN, [this, on_query](short) { ReadUdp(on_query); });
  poller.Watch(tcp_.get(), POLLIN, [this](short) { Accept(); });
  for (auto& [conn, client] : tcp_clients_) {
    short events = 0;
    if (!client.read_done) events |= POLLIN;
    if (client.out_offset < client.out.size()) events |= POLLOUT;
    uint32_t id = conn;
    poller.Watch(client.fd.get(), events,
                 [this, id, on_query](short revents) { ServeTcp(id, revents, on_query); });
  }
  bool ticking = !udp_clients_.empty() || !tcp_clients_.empty();
  SetTicking(timer_, ticking);
  if (ticking) {
    poller.Watch(timer_.get(), POLLIN, [this](short) {
      DrainTimer(timer_);
      Expire();
    });
  }
}

void DnsListener::ReadUdp(const QueryHandler& on_query) {
  std::string buf(65536, '\0');
  for (int i = 0; i < 64; ++i) {  // a bounded batch keeps the loop fair to the other fds
    UdpClient client;
    client.peer_len = sizeof client.peer;
    ssize_t n = recvfrom(udp_.get(), buf.data(), buf.size(), 0,
                         reinterpret_cast<sockaddr*>(&client.peer), &client.peer_len);
    if (n < 0) return;
    if (static_cast<size_t>(n) < kDnsHeader || static_cast<size_t>(n) > kMaxDnsMessage) continue;
    client.since = absl::Now();
    uint32_t id = next_id_++;
    udp_clients_[id] = client;
    on_query({id, DnsTransport::kUdp, buf.substr(0, n)});
  }
}

void DnsListener::Accept() {
  for (;;) {
    UniqueFd fd(accept4(tcp_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return;
    if (tcp_clients_.size() >= kMaxTcpClients) continue;  // closed: the client retries
    TcpClient& client = tcp_clients_[next_conn_++];
    client.fd = std::move(fd);
    client.idle_since = absl::Now();
  }
}

void DnsListener::ServeTcp(uint32_t conn, short revents, const QueryHandler& on_query) {
  auto it = tcp_clients_.find(conn);
  if (it == tcp_clients_.end()) return;
  TcpClient& client = it->second;
  bool broken = (revents & (POLLERR | POLLNVAL)) != 0;
  if (!broken && (revents & (POLLIN | POLLHUP)) && !client.read_done) {
    char buf[16384];
    ssize_t n = read(client.fd.get(), buf, sizeof buf);
    if (n > 0) {
      client.in.append(buf, n);
      client.idle_since = absl::Now();
      while (std::optional<std::string> query = TakeTcpDnsMessage(client.in)) {
        if (query->size() < kDnsHeader || query->size() > kMaxDnsMessage) continue;
        uint32_t id = next_id_++;
        tcp_queries_[id] = conn;
        ++client.waiting;
        on_query({id, DnsTransport::kTcp, std::move(*query)});
      }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      client.read_done = true;
    }
  }
  if (!broken && (revents & POLLOUT) && client.out_offset < client.out.size()) {
    ssize_t n = write(client.fd.get(), client.out.data() + client.out_offset,
                      client.out.size() - client.out_offset);
    if (n > 0) {
      client.out_offset += n;
      if (client.out_offset == client.out.size()) {
        client.out.clear();
        client.out_offset = 0;
      }
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      broken = true;
    }
  }
  bool done = client.read_done && client.waiting == 0 && client.out.empty();
  if (broken || done) {
    std::erase_if(tcp_queries_, [conn](const auto& q) { return q.second == conn; });
    tcp_clients_.erase(it);
  }
}

void DnsListener::Reply(const DnsMessage& reply) {
  if (auto it = udp_clients_.find(reply.id); it != udp_clients_.end()) {
    const UdpClient& client = it->second;
    sendto(udp_.get(), reply.bytes.data(), reply.bytes.size(), 0,
           reinterpret_cast<const sockaddr*>(&client.peer), client.peer_len);
    udp_clients_.erase(it);
    return;
  }
  auto q = tcp_queries_.find(reply.id);
  if (q == tcp_queries_.end()) return;
  auto c = tcp_clients_.find(q->second);
  tcp_queries_.erase(q);
  if (c == tcp_clients_.end()) return;
  --c->second.waiting;
  c->second.out.append(TcpDnsFrame(reply.bytes));
  c->second.idle_since = absl::Now();
}

void DnsListener::Expire() {
  absl::Time old = absl::Now() - kClientLifetime;
  std::erase_if(udp_clients_, [old](const auto& c) { return c.second.since < old; });
  for (auto it = tcp_clients_.begin(); it != tcp_clients_.end();) {
    if (it->second.idle_since < old) {
      uint32_t conn = it->first;
      std::erase_if(tcp_queries_, [conn](const auto& q) { return q.second == conn; });
      it = tcp_clients_.erase(it);
    } else {
      ++it;
    }
  }
}

// --- DnsForwarder ---------------------------------------------------------------------------------

DnsForwarder::DnsForwarder(std::string upstream, uint16_t port, absl::Duration timeout)
    : upstream_(std::move(upstream)), port_(port), timeout_(timeout), timer_(NewTimer()) {}

absl::Status DnsForwarder::Start(Exchange& exchange) {
  ASSIGN_OR_RETURN(SocketAddress sa, IpSocketAddress(upstream_, port_));
  bool tcp = exchange.query.transport == DnsTransport::kTcp;
  exchange.fd.reset(socket(sa.family(),
                           (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!exchange.fd.valid()) return ErrnoError(errno, "DNS forwarder: socket");
  // A connected UDP socket only accepts datagrams from the upstream: no spoofed answers.
  if (connect(exchange.fd.get(), sa.get(), sa.length) != 0 &&
      errno != EINPROGRESS) {
    return ErrnoError(errno, "DNS forwarder: connect");
  }
  if (tcp) {
    exchange.out = TcpDnsFrame(exchange.query.bytes);
  } else if (send(exchange.fd.get(), exchange.query.bytes.data(), exchange.query.bytes.size(),
                  0) < 0) {
    return ErrnoError(errno, "DNS forwarder: send");
  }
  return absl::OkStatus();
}

void DnsForwarder::Forward(DnsMessage query) {
  uint32_t id = query.id;
  Exchange& exchange = exchanges_[id];
  exchange = Exchange{};
  exchange.query = std::move(query);
  exchange.deadline = absl::Now() + timeout_;
  exchange.failed = !Start(exchange).ok();
}

void DnsForwarder::Finish(uint32_t id, std::string reply, const ReplyHandler& on_reply) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  DnsMessage message{id, it->second.query.transport, std::move(reply)};
  if (message.bytes.empty()) message.bytes = DnsServfail(it->second.query.bytes);
  exchanges_.erase(it);
  on_reply(std::move(message));
}

void DnsForwarder::Serve(uint32_t id, short revents, const ReplyHandler& on_reply) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end()) return;
  Exchange& ex = it->second;
  if (ex.query.transport == DnsTransport::kUdp) {
    std::string buf(65536, '\0');
    ssize_t n = recv(ex.fd.get(), buf.data(), buf.size(), 0);
    if (n > 0) return Finish(id, buf.substr(0, n), on_reply);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    return Finish(id, "", on_reply);  // ICMP unreachable: nobody listens upstream
  }
  if (revents & POLLOUT && ex.out_offset < ex.out.size()) {
    ssize_t n = send(ex.fd.get(), ex.out.data() + ex.out_offset, ex.out.size() - ex.out_offset,
                     MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return Finish(id, "", on_reply);
    if (n > 0) ex.out_offset += n;
  }
  if (revents & (POLLIN | POLLHUP | POLLERR)) {
    char buf[16384];
    ssize_t n = read(ex.fd.get(), buf, sizeof buf);
    if (n > 0) {
      ex.in.append(buf, n);
      if (std::optional<std::string> reply = TakeTcpDnsMessage(ex.in)) {
        return Finish(id, std::move(*reply), on_reply);
      }
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      return Finish(id, "", on_reply);
    }
  }
}

void DnsForwarder::Register(Poller& poller, ReplyHandler on_reply) {
  // Exchanges that could not start, or are past their deadline, are answered now.
  absl::Time now = absl::Now();
  std::vector<uint32_t> over;
  for (const auto& [id, ex] : exchanges_) {
    if (ex.failed || ex.deadline <= now) over.push_back(id);
  }
  for (uint32_t id : over) Finish(id, "", on_reply);

  for (auto& [id, ex] : exchanges_) {
    short events = POLLIN;
    if (ex.out_offset < ex.out.size()) events |= POLLOUT;
    uint32_t key = id;
    poller.Watch(ex.fd.get(), events,
                 [this, key, on_reply](short revents) { Serve(key, revents, on_reply); });
  }
  SetTicking(timer_, !exchanges_.empty());
  // The tick wakes the poll so that the next Register() sees expired deadlines.
  if (!exchanges_.empty()) poller.Watch(timer_.get(), POLLIN, [this](short) { DrainTimer(timer_); });
}

}  // namespace runcvm
