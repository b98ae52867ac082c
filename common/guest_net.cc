#include "common/guest_net.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/fd.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {
namespace {

// virtio_net probes its devices as the module loads, but give a slow (TCG) boot some slack.
constexpr absl::Duration kNicWait = absl::Seconds(10);

absl::StatusOr<nl_addr*> ParseAddr(const std::string& text, int family) {
  nl_addr* addr = nullptr;
  if (int err = nl_addr_parse(text.c_str(), family, &addr); err < 0) {
    return NlError(err, absl::StrCat("address ", text));
  }
  return addr;
}

// Frees an nl_addr / rtnl object on scope exit.
struct AddrRef {
  nl_addr* p = nullptr;
  ~AddrRef() {
    if (p != nullptr) nl_addr_put(p);
  }
};

absl::Status AddAddress(nl_sock* sock, int ifindex, const NetAddress& a) {
  rtnl_addr* addr = rtnl_addr_alloc();
  if (addr == nullptr) return absl::ResourceExhaustedError("allocate an address");
  absl::Status status = [&]() -> absl::Status {
    AddrRef local;
    ASSIGN_OR_RETURN(local.p, ParseAddr(a.ToString(), a.family));
    rtnl_addr_set_ifindex(addr, ifindex);
    if (int err = rtnl_addr_set_local(addr, local.p); err < 0) return NlError(err, "set address");
    rtnl_addr_set_prefixlen(addr, a.prefix);
    // Duplicate address detection would keep the address tentative (unusable) for a second or so
    // after the NIC comes up; the address is the container's, which Docker already owns.
    rtnl_addr_set_flags(addr, IFA_F_NODAD);
    AddrRef broadcast;
    if (a.family == AF_INET) {
      if (std::string b = Ipv4Broadcast(a.address, a.prefix); !b.empty()) {
        ASSIGN_OR_RETURN(broadcast.p, ParseAddr(b, AF_INET));
        rtnl_addr_set_broadcast(addr, broadcast.p);
      }
    }
    if (int err = rtnl_addr_add(sock, addr, 0); err < 0 && err != -NLE_EXIST) {
      return NlError(err, absl::StrCat("add address ", a.ToString()));
    }
    return absl::OkStatus();
  }();
  rtnl_addr_put(addr);
  return status;
}

absl::Status AddRoute(nl_sock* sock, int ifindex, const NetRoute& r) {
  rtnl_route* route = rtnl_route_alloc();
  if (route == nullptr) return absl::ResourceExhaustedError("allocate a route");
  absl::Status status = [&]() -> absl::Status {
    AddrRef dst, gateway, source;
    ASSIGN_OR_RETURN(dst.p, ParseAddr(r.destination, r.family));
    rtnl_route_set_family(route, r.family);
    if (int err = rtnl_route_set_dst(route, dst.p); err < 0) return NlError(err, "destination");
    rtnl_route_set_table(route, RT_TABLE_MAIN);
    rtnl_route_set_type(route, RTN_UNICAST);
    rtnl_route_set_protocol(route, RTPROT_BOOT);
    // Without a gateway the destination is on the link (ip route add ... dev eth0 sets link scope).
    rtnl_route_set_scope(route, r.gateway.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
    if (r.metric > 0) rtnl_route_set_priority(route, r.metric);
    if (!r.source.empty()) {
      ASSIGN_OR_RETURN(source.p, ParseAddr(r.source, r.family));
      if (int err = rtnl_route_set_pref_src(route, source.p); err < 0) return NlError(err, "src");
    }
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return absl::ResourceExhaustedError("allocate a next hop");
    rtnl_route_nh_set_ifindex(nh, ifindex);
    if (!r.gateway.empty()) {
      ASSIGN_OR_RETURN(gateway.p, ParseAddr(r.gateway, r.family));
      rtnl_route_nh_set_gateway(nh, gateway.p);
    }
    rtnl_route_add_nexthop(route, nh);  // the route owns it now
    if (int err = rtnl_route_add(sock, route, NLM_F_EXCL); err < 0 && err != -NLE_EXIST) {
      return NlError(err, "add");
    }
    return absl::OkStatus();
  }();
  rtnl_route_put(route);
  return status;
}

// The guest NICs by MAC, waiting until every planned MAC is there or kNicWait has passed.
absl::StatusOr<std::map<std::string, ObservedLink>> FindNics(nl_sock* sock,
                                                             const NetworkPlan& plan) {
  absl::Time deadline = absl::Now() + kNicWait;
  for (;;) {
    ASSIGN_OR_RETURN(ObservedNetwork net, ObserveNetwork(sock));
    std::map<std::string, ObservedLink> by_mac;
    for (ObservedLink& link : net.links) {
      if (!link.loopback && !link.mac.empty()) by_mac[link.mac] = std::move(link);
    }
    std::string missing;
    for (const NetInterface& nic : plan.interfaces) {
      if (!by_mac.contains(nic.mac)) absl::StrAppend(&missing, " ", nic.name, " (", nic.mac, ")");
    }
    if (missing.empty()) return by_mac;
    if (absl::Now() > deadline) {
      return absl::NotFoundError(absl::StrCat("no guest NIC for", missing,
                                              ": is the virtio_net module loaded?"));
    }
    usleep(50 * 1000);
  }
}

}  // namespace

std::string Ipv4Broadcast(const std::string& address, int prefix) {
  in_addr a;
  if (prefix < 0 || prefix >= 31 || inet_pton(AF_INET, address.c_str(), &a) != 1) return "";
  uint32_t host_mask = prefix == 0 ? 0xffffffffu : (0xffffffffu >> prefix);
  a.s_addr = htonl(ntohl(a.s_addr) | host_mask);
  char buf[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &a, buf, sizeof buf) != nullptr ? buf : "";
}

absl::Status RestoreNetwork(const std::string& plan_path) {
  if (!PathExists(plan_path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, ReadFile(plan_path));
  absl::StatusOr<NetworkPlan> parsed = ParseNetworkPlan(text);
  if (!parsed.ok()) return Annotate(parsed.status(), plan_path);
  const NetworkPlan& plan = *parsed;
  if (plan.interfaces.empty()) return absl::OkStatus();

  NlSocket sock;
  RETURN_IF_ERROR(sock.Connect());
  ASSIGN_OR_RETURN(auto by_mac, FindNics(sock.get(), plan));

  // Two passes of renames: the kernel's own eth0/eth1 need not be in the container's order, so
  // every NIC first takes a name no planned interface has.
  std::map<std::string, int> index_of;  // planned name -> guest ifindex
  for (size_t i = 0; i < plan.interfaces.size(); ++i) {
    const NetInterface& nic = plan.interfaces[i];
    int ifindex = by_mac[nic.mac].index;
    LinkChange change;
    change.up = 0;
    change.name = absl::StrCat("runcvm-tmp", i);
    RETURN_IF_ERROR(Annotate(ChangeLink(sock.get(), ifindex, change), nic.name));
    index_of[nic.name] = ifindex;
  }
  // A NIC nobody planned (a device of the image's own, say) that holds a planned name steps
  // aside too.
  int aside = 0;
  for (const auto& [mac, link] : by_mac) {
    bool planned = false, clash = false;
    for (const NetInterface& nic : plan.interfaces) {
      planned = planned || nic.mac == mac;
      clash = clash || nic.name == link.name;
    }
    if (planned || !clash) continue;
    LinkChange change;
    change.up = 0;
    change.name = absl::StrCat("runcvm-old", aside++);
    RETURN_IF_ERROR(Annotate(ChangeLink(sock.get(), link.index, change), link.name));
  }
  for (const NetInterface& nic : plan.interfaces) {
    int ifindex = index_of[nic.name];
    LinkChange change;
    change.name = nic.name;
    change.mtu = nic.mtu;
    RETURN_IF_ERROR(Annotate(ChangeLink(sock.get(), ifindex, change), nic.name));
    // The container's addresses only: no router advertisements or autoconfiguration in the VM
    // that the container would not have had (Docker's netns gets no RAs on its veth either).
    for (const char* knob : {"accept_ra", "autoconf"}) {
      (void)WriteSysctl(absl::StrCat("ipv6/conf/", nic.name, "/", knob), "0");
    }
    for (const NetAddress& a : nic.addresses) {
      RETURN_IF_ERROR(Annotate(AddAddress(sock.get(), ifindex, a), nic.name));
    }
    LinkChange up;
    up.up = 1;
    RETURN_IF_ERROR(Annotate(ChangeLink(sock.get(), ifindex, up), nic.name));
  }
  // Routes last: a gateway must be on a link that is up and addressed. A route that fails is
  // reported and skipped, as a partial network is more useful than a failed container.
  for (const NetRoute& r : plan.routes) {
    absl::Status status = AddRoute(sock.get(), index_of[r.device], r);
    if (!status.ok()) {
      LogWarning(absl::StrCat("network: route ", r.destination,
                              r.gateway.empty() ? "" : absl::StrCat(" via ", r.gateway), " dev ",
                              r.device, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace runcvm
