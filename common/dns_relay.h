// The DNS relay (DESIGN.md decision 6): Docker's embedded DNS server answers at 127.0.0.11:53
// only inside the container's network namespace, and the VM's /etc/resolv.conf (Docker's file,
// unchanged) names it. The guest agent therefore listens at 127.0.0.11:53 (UDP and TCP) in the VM
// and sends each query over the control channel (DNS_QUERY, protocol.md); init asks the real
// 127.0.0.11:53 in the container's namespace and sends the answer back (DNS_REPLY). No file of
// Docker's is edited and no iptables rule is needed.
//
// Both halves are poll-driven objects in the style of FrameChannel: Register() them with the
// Poller every iteration; they never block. Each owns a timerfd for its deadlines, so callers need
// no timeout bookkeeping.
#ifndef RUNCVM_COMMON_DNS_RELAY_H_
#define RUNCVM_COMMON_DNS_RELAY_H_

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/fd.h"
#include "common/poller.h"

namespace runcvm {

enum class DnsTransport : uint8_t { kUdp = 0, kTcp = 1 };

// One DNS message travelling between the halves: a query (guest -> host) or its reply.
struct DnsMessage {
  uint32_t id = 0;  // chosen by the guest half, echoed by the host half
  DnsTransport transport = DnsTransport::kUdp;
  std::string bytes;  // the DNS message itself (no TCP length prefix)
  bool operator==(const DnsMessage&) const = default;
};

// Largest DNS message carried: a frame payload is at most 64 KiB (protocol.md) and the DNS
// payload header takes 5 bytes.
inline constexpr size_t kMaxDnsMessage = 64 * 1024 - 5;

// The payload of DNS_QUERY and DNS_REPLY frames: u32 id (little-endian), u8 transport, message.
std::string EncodeDnsPayload(const DnsMessage& message);
absl::StatusOr<DnsMessage> DecodeDnsPayload(std::string_view payload);

// DNS over TCP frames each message with a 2-byte big-endian length (RFC 1035 4.2.2). Takes one
// whole message off the front of `buffer`, if there is one.
std::optional<std::string> TakeTcpDnsMessage(std::string& buffer);
std::string TcpDnsFrame(std::string_view message);

// A SERVFAIL answer to `query` (its header and question, QR set, RCODE 2, no records), for a
// query the upstream did not answer in time; empty if `query` is not a parseable DNS query.
std::string DnsServfail(std::string_view query);

// RCODE of a DNS message (RFC 1035 4.1.1): 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN...; -1 when the
// message is shorter than its header.
inline constexpr int kDnsNoError = 0;
inline constexpr int kDnsServfail = 2;
inline constexpr int kDnsNxdomain = 3;
int DnsRcode(std::string_view message);

// Whether a resolv.conf names Docker's embedded DNS server (127.0.0.11): user-defined networks.
// On the default bridge it lists the host's resolvers, which the VM reaches by routing.
bool ResolvConfUsesEmbeddedDns(std::string_view resolv_conf);

inline constexpr char kEmbeddedDnsAddress[] = "127.0.0.11";

// Guest half: owns the listening sockets at address:port. 127.0.0.0/8 is local on lo, so
// 127.0.0.11 needs no address to be added.
class DnsListener {
 public:
  using QueryHandler = std::function<void(DnsMessage query)>;

  // Binds UDP and TCP. `port` 0 picks a free port (tests); port() tells which.
  absl::Status Listen(const std::string& address = kEmbeddedDnsAddress, uint16_t port = 53);
  uint16_t port() const { return port_; }
  bool listening() const { return udp_.valid(); }

  // Watches the sockets; every query received goes to `on_query` with a fresh id.
  void Register(Poller& poller, QueryHandler on_query);
  // The answer to query `reply.id`: sent to its UDP client or written to its TCP connection.
  // Unknown ids (a client gone, a reply already given) are dropped.
  void Reply(const DnsMessage& reply);

  size_t pending() const { return udp_clients_.size() + tcp_queries_.size(); }

 private:
  struct TcpClient {
    UniqueFd fd;
    std::string in;
    std::string out;
    size_t out_offset = 0;
    int waiting = 0;      // queries sent on, not yet answered
    bool read_done = false;
    absl::Time idle_since;
  };
  struct UdpClient {
    sockaddr_storage peer{};
    socklen_t peer_len = 0;
    absl::Time since;
  };

  void ReadUdp(const QueryHandler& on_query);
  void Accept();
  void ServeTcp(uint32_t conn, short revents, const QueryHandler& on_query);
  void Expire();

  UniqueFd udp_;
  UniqueFd tcp_;
  UniqueFd timer_;
  uint16_t port_ = 0;
  uint32_t next_id_ = 1;
  uint32_t next_conn_ = 1;
  std::map<uint32_t, UdpClient> udp_clients_;   // query id -> who asked
  std::map<uint32_t, uint32_t> tcp_queries_;    // query id -> connection
  std::map<uint32_t, TcpClient> tcp_clients_;
};

// Host half: asks the upstream server (Docker's 127.0.0.11:53 in the container's namespace) over
// the query's own transport, one socket per query, and yields each reply, or a SERVFAIL after
// `timeout` (so a TCP client in the VM is never left hanging).
class DnsForwarder {
 public:
  using ReplyHandler = std::function<void(DnsMessage reply)>;

  explicit DnsForwarder(std::string upstream = kEmbeddedDnsAddress, uint16_t port = 53,
                        absl::Duration timeout = absl::Seconds(5));

  // Starts the exchange for `query`; never blocks. A query that cannot even be sent is answered
  // with SERVFAIL at the next Register() round.
  void Forward(DnsMessage query);
  void Register(Poller& poller, ReplyHandler on_reply);

  size_t pending() const { return exchanges_.size(); }

 private:
  struct Exchange {
    DnsMessage query;
    UniqueFd fd;
    std::string out;  // TCP: the framed query still to write
    size_t out_offset = 0;
    std::string in;   // TCP: the framed reply read so far
    absl::Time deadline;
    bool failed = false;
  };

  absl::Status Start(Exchange& exchange);
  void Serve(uint32_t id, short revents, const ReplyHandler& on_reply);
  void Finish(uint32_t id, std::string reply, const ReplyHandler& on_reply);
  void ArmTimer();

  std::string upstream_;
  uint16_t port_;
  absl::Duration timeout_;
  UniqueFd timer_;
  std::map<uint32_t, Exchange> exchanges_;
};

}  // namespace runcvm

#endif  // RUNCVM_COMMON_DNS_RELAY_H_
