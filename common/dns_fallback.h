// The guest's answer to names Docker's embedded DNS cannot forward (dns_servers.h says why it
// cannot). Every query still goes to Docker first, through the relay (dns_relay.h): Docker alone
// knows the names of containers, aliases and links. Docker answers those at once, from memory; a
// name it does not know it forwards from the container's namespace, where the query is lost and
// Docker never answers. So a query Docker has not answered after kDockerGrace goes to the external
// servers, asked from the VM in turn (one that fails or times out passes it to the next):
//
// - a NOERROR answer from a server is given to the client at once: Docker would have forwarded
//   the name to that same server;
// - a negative answer (NXDOMAIN, or every server failed) is held until kNegativeHold after the
//   query, in case Docker, slow under load, does know the name, and given then (or as soon as
//   Docker gives up: the relay's SERVFAIL);
// - any answer from Docker other than SERVFAIL wins whenever it comes before ours.
//
// Without external servers (the default bridge, where the VM uses the host's resolvers directly,
// or a network whose servers are all on the host's loopback, which Docker reaches itself) every
// reply is Docker's, passed straight on.
#ifndef RUNCVM_COMMON_DNS_FALLBACK_H_
#define RUNCVM_COMMON_DNS_FALLBACK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/dns_relay.h"
#include "common/fd.h"
#include "common/poller.h"

namespace runcvm {

// Docker answers the names it knows within milliseconds; through the relay under TCG on a loaded
// machine, within a few hundred.
inline constexpr absl::Duration kDockerGrace = absl::Milliseconds(500);
// Under musl's retry interval (2.5 s of its 5 s timeout), so a held answer reaches the first try.
inline constexpr absl::Duration kNegativeHold = absl::Milliseconds(1500);
// Per external server, so that two servers fit in a client's 5 s.
inline constexpr absl::Duration kExternalServerTimeout = absl::Seconds(2);

class DnsFallback {
 public:
  using ReplyHandler = std::function<void(const DnsMessage& reply)>;

  // `reply` gives an answer to the client (DnsListener::Reply).
  explicit DnsFallback(ReplyHandler reply);

  // The external servers, in Docker's order; `port` is 53 but for tests.
  void UseServers(const std::vector<std::string>& servers, uint16_t port = 53);

  // `query` has gone to Docker.
  void Asked(const DnsMessage& query);
  // Docker's answer to a query (or the relay's SERVFAIL when Docker did not answer in time).
  void DockerAnswered(const DnsMessage& reply);
  // Watches the exchanges with the external servers and the deadlines; call every iteration.
  void Register(Poller& poller);

  size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    DnsMessage query;
    absl::Time asked;
    size_t next_server = 0;            // the next external server to ask
    bool asking = false;               // one of them has the query now
    bool docker_failed = false;        // Docker said SERVFAIL (or the relay gave up)
    std::optional<std::string> held;   // a negative answer of ours, kept for Docker's
    // Still waiting for Docker alone: no external server asked yet.
    bool in_grace() const { return !asking && next_server == 0; }
  };

  void AskNextServer(Pending& pending);
  void ServerAnswered(DnsMessage reply);
  void Settle(uint32_t id, Pending& pending);
  void Deliver(uint32_t id, std::string bytes);
  void Advance(absl::Time now);
  void ArmTimer(absl::Time now);

  ReplyHandler reply_;
  std::vector<std::unique_ptr<DnsForwarder>> servers_;
  std::map<uint32_t, Pending> pending_;
  UniqueFd timer_;
};

}  // namespace runcvm

#endif  // RUNCVM_COMMON_DNS_FALLBACK_H_
