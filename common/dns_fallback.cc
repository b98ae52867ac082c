#include "common/dns_fallback.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>

#include "absl/time/clock.h"

namespace runcvm {
namespace {

// A client has long given up by then; the entry only keeps a late answer from being mistaken.
constexpr absl::Duration kForget = absl::Seconds(30);
// While a server has a query, wake at least this often: a server's exchange started from inside
// another's callback is only watched from the next round.
constexpr absl::Duration kAskingTick = absl::Milliseconds(100);

}  // namespace

DnsFallback::DnsFallback(ReplyHandler reply)
    : reply_(std::move(reply)),
      timer_(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {}

void DnsFallback::UseServers(const std::vector<std::string>& servers, uint16_t port) {
  servers_.clear();
  for (const std::string& server : servers) {
    servers_.push_back(std::make_unique<DnsForwarder>(server, port, kExternalServerTimeout));
  }
}

void DnsFallback::Asked(const DnsMessage& query) {
  if (servers_.empty()) return;
  Pending& pending = pending_[query.id];
  pending = Pending{};
  pending.query = query;
  pending.asked = absl::Now();
}

void DnsFallback::DockerAnswered(const DnsMessage& reply) {
  auto it = pending_.find(reply.id);
  if (it == pending_.end()) return reply_(reply);  // not ours to judge, or already answered
  if (DnsRcode(reply.bytes) != kDnsServfail) return Deliver(reply.id, reply.bytes);
  Pending& pending = it->second;
  pending.docker_failed = true;
  // Docker gave up before our grace ran out: ask the servers now.
  if (!pending.asking && !pending.held && pending.next_server < servers_.size()) {
    AskNextServer(pending);
  }
  Settle(reply.id, pending);
}

void DnsFallback::AskNextServer(Pending& pending) {
  servers_[pending.next_server++]->Forward(pending.query);
  pending.asking = true;
}

void DnsFallback::ServerAnswered(DnsMessage reply) {
  auto it = pending_.find(reply.id);
  if (it == pending_.end()) return;
  Pending& pending = it->second;
  pending.asking = false;
  int rcode = DnsRcode(reply.bytes);
  if (rcode == kDnsNoError) return Deliver(reply.id, std::move(reply.bytes));
  // NXDOMAIN is the name's final word; a failing server (SERVFAIL, REFUSED, a timeout) passes
  // the query on, as Docker and the C libraries do.
  if (rcode != kDnsNxdomain && pending.next_server < servers_.size()) {
    return AskNextServer(pending);
  }
  pending.held = std::move(reply.bytes);
  Settle(reply.id, pending);
}

// Gives a held negative answer once Docker has failed or the hold is over; Docker's own SERVFAIL
// when no server is left to ask.
void DnsFallback::Settle(uint32_t id, Pending& pending) {
  if (pending.asking) return;
  if (pending.held) {
    if (pending.docker_failed || absl::Now() >= pending.asked + kNegativeHold) {
      Deliver(id, *pending.held);
    }
    return;
  }
  if (pending.docker_failed && pending.next_server >= servers_.size()) {
    Deliver(id, DnsServfail(pending.query.bytes));
  }
}

void DnsFallback::Deliver(uint32_t id, std::string bytes) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  DnsMessage answer{id, it->second.query.transport, std::move(bytes)};
  pending_.erase(it);
  reply_(answer);
}

void DnsFallback::Advance(absl::Time now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    uint32_t id = it->first;
    Pending& pending = it->second;
    ++it;  // Deliver() and erase() below remove `id` only
    if (now >= pending.asked + kForget) {
      pending_.erase(id);
      continue;
    }
    if (pending.in_grace() && now >= pending.asked + kDockerGrace) {
      AskNextServer(pending);
    }
    Settle(id, pending);
  }
}

void DnsFallback::ArmTimer(absl::Time now) {
  absl::Time next = absl::InfiniteFuture();
  for (const auto& [id, pending] : pending_) {
    next = std::min(next, pending.asked + kForget);
    if (pending.asking) next = std::min(next, now + kAskingTick);
    if (pending.in_grace()) next = std::min(next, pending.asked + kDockerGrace);
    if (pending.held) next = std::min(next, pending.asked + kNegativeHold);
  }
  itimerspec spec{};
  if (next != absl::InfiniteFuture()) {
    // it_value zero would disarm the timer: a deadline already past fires after 1 ms.
    absl::Duration wait = std::max(next - now, absl::Milliseconds(1));
    spec.it_value = absl::ToTimespec(wait);
  }
  timerfd_settime(timer_.get(), 0, &spec, nullptr);
}

void DnsFallback::Register(Poller& poller) {
  Advance(absl::Now());
  for (auto& server : servers_) {
    server->Register(poller, [this](DnsMessage reply) { ServerAnswered(std::move(reply)); });
  }
  ArmTimer(absl::Now());
  if (pending_.empty()) return;
  poller.Watch(timer_.get(), POLLIN, [this](short) {
    uint64_t expirations;
    while (read(timer_.get(), &expirations, sizeof expirations) == sizeof expirations) {
    }
  });
}

}  // namespace runcvm
