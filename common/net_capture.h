// The container's network identity, as a plan the VM can re-create: for every interface but lo,
// its name, MAC, MTU and addresses, and the routes through it (DESIGN.md decision 6).
//
// Pure: what the kernel reported (Observed*, filled by net_setup.cc through libnl) goes in, a
// NetworkPlan comes out; the plan travels to the VM as JSON in /.runcvm/network.json. The tap
// descriptors ctr-entrypoint opens travel to init in RUNCVM_TAP_FDS, also formatted here.
#ifndef RUNCVM_COMMON_NET_CAPTURE_H_
#define RUNCVM_COMMON_NET_CAPTURE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/qemu.h"

namespace runcvm {

// What the kernel reports, reduced to what the plan needs (rtnetlink's fields and constants).
struct ObservedLink {
  int index = 0;
  std::string name;
  std::string mac;   // "02:42:ac:11:00:02", lower case; empty for a link without one
  int mtu = 0;
  bool loopback = false;  // IFF_LOOPBACK
};

struct ObservedAddress {
  int ifindex = 0;
  int family = 0;     // AF_INET or AF_INET6
  std::string local;  // "172.17.0.2"
  int prefix = 0;
  int scope = 0;      // RT_SCOPE_*: IPv6 link-local addresses are RT_SCOPE_LINK
};

struct ObservedRoute {
  int family = 0;
  int table = 0;      // RT_TABLE_MAIN for the routes Docker sets
  int type = 0;       // RTN_UNICAST, ...
  int protocol = 0;   // RTPROT_KERNEL for the subnet routes the kernel adds with an address
  int scope = 0;
  std::string dst;    // empty for a default route
  int dst_prefix = 0;
  std::string gateway;  // empty when the destination is on the link
  int oif = 0;
  std::string prefsrc;
  int priority = 0;
};

// One "address/prefix" of an interface, either family.
struct NetAddress {
  int family = 0;
  std::string address;
  int prefix = 0;

  std::string ToString() const;  // "172.17.0.2/16"
  bool operator==(const NetAddress&) const = default;
};

struct NetRoute {
  int family = 0;
  std::string destination;  // "default" or "10.1.0.0/16"
  std::string gateway;      // may be empty: a route on the link
  std::string device;       // the interface's name
  std::string source;       // preferred source; may be empty
  int metric = 0;
  bool operator==(const NetRoute&) const = default;
};

struct NetInterface {
  std::string name;          // eth0: the guest NIC is renamed to it
  std::string mac;           // the container's MAC: the guest NIC takes it
  std::string veth_mac;      // the MAC the container-side veth takes instead (DeriveVethMac)
  int mtu = 1500;
  std::vector<NetAddress> addresses;
  bool operator==(const NetInterface&) const = default;
};

struct NetworkPlan {
  std::vector<NetInterface> interfaces;
  std::vector<NetRoute> routes;
  bool operator==(const NetworkPlan&) const = default;
};

// The plan for what the kernel reported. Loopback is left out (--network=none: an empty plan).
// IPv6 link-local addresses are left out (the guest kernel makes its own from the same MAC), and
// so are routes the kernel derives by itself: other tables (local), non-unicast types, link scope
// and RTPROT_KERNEL subnet routes, which come back when the addresses are added in the VM.
NetworkPlan BuildNetworkPlan(const std::vector<ObservedLink>& links,
                             const std::vector<ObservedAddress>& addresses,
                             const std::vector<ObservedRoute>& routes);

// The MAC of the container-side veth once the VM owns the original. Docker's bridge, a
// --mac-address and the neighbours' ARP caches all know the original, so that must stay the VM's;
// the veth must only differ from it (a bridge with two ports of the same MAC drops frames).
// Bit 2 of the first octet is flipped, which never collides; the result is unicast and locally
// administered: 02:42:ac:11:00:02 -> 06:42:ac:11:00:02.
absl::StatusOr<std::string> DeriveVethMac(std::string_view mac);

// "02:42:AC:11:00:02" -> "02:42:ac:11:00:02"; an error unless six hex octets.
absl::StatusOr<std::string> NormalizeMac(std::string_view mac);

// /.runcvm/network.json: {"interfaces":[{"name","mac","veth_mac","mtu","addresses":["a/p"]}],
//                         "routes":[{"destination","gateway","device","source","metric"}]}
std::string NetworkPlanToJson(const NetworkPlan& plan);
// Validates every address, prefix, MAC and route device (a route must name a planned interface).
absl::StatusOr<NetworkPlan> ParseNetworkPlan(std::string_view json);

// RUNCVM_TAP_FDS, from ctr-entrypoint to init: "5=02:42:ac:11:00:02,6=02:42:ac:12:00:02", one
// open tap descriptor and the MAC of its guest NIC per interface, in plan order. Empty: no NICs.
inline constexpr char kTapFdsEnv[] = "RUNCVM_TAP_FDS";
std::string FormatTapFds(const std::vector<QemuNic>& nics);
absl::StatusOr<std::vector<QemuNic>> ParseTapFds(std::string_view text);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_NET_CAPTURE_H_
