#include "common/net_capture.h"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/json.h"
#include "common/status.h"

namespace runcvm {
namespace {

// "a/p" with `a` an address of `family` (0: either) and p within its width.
absl::StatusOr<NetAddress> ParseCidr(std::string_view text, std::string_view what) {
  std::pair<std::string, std::string> parts = absl::StrSplit(text, absl::MaxSplits('/', 1));
  NetAddress address;
  unsigned char buf[16];
  if (inet_pton(AF_INET, parts.first.c_str(), buf) == 1) {
    address.family = AF_INET;
  } else if (inet_pton(AF_INET6, parts.first.c_str(), buf) == 1) {
    address.family = AF_INET6;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' is not an address"));
  }
  int width = address.family == AF_INET ? 32 : 128;
  if (!absl::SimpleAtoi(parts.second, &address.prefix) || address.prefix < 0 ||
      address.prefix > width) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' has no valid prefix"));
  }
  address.address = parts.first;
  return address;
}

bool IsAddress(const std::string& text, int family) {
  unsigned char buf[16];
  return inet_pton(family, text.c_str(), buf) == 1;
}

}  // namespace

std::string NetAddress::ToString() const { return absl::StrCat(address, "/", prefix); }

absl::StatusOr<std::string> NormalizeMac(std::string_view mac) {
  std::vector<std::string_view> octets = absl::StrSplit(mac, ':');
  bool ok = octets.size() == 6;
  for (std::string_view octet : octets) {
    ok = ok && octet.size() == 2 && absl::ascii_isxdigit(octet[0]) &&
         absl::ascii_isxdigit(octet[1]);
  }
  if (!ok) return absl::InvalidArgumentError(absl::StrCat("'", mac, "' is not a MAC address"));
  return absl::AsciiStrToLower(mac);
}

absl::StatusOr<std::string> DeriveVethMac(std::string_view mac) {
  ASSIGN_OR_RETURN(std::string normal, NormalizeMac(mac));
  int first = 0;
  (void)absl::SimpleHexAtoi(normal.substr(0, 2), &first);
  first = ((first ^ 0x04) | 0x02) & ~0x01;
  return absl::StrCat(absl::StrFormat("%02x", first), normal.substr(2));
}

NetworkPlan BuildNetworkPlan(const std::vector<ObservedLink>& links,
                             const std::vector<ObservedAddress>& addresses,
                             const std::vector<ObservedRoute>& routes) {
  NetworkPlan plan;
  std::map<int, size_t> by_index;  // ifindex -> position in plan.interfaces
  for (const ObservedLink& link : links) {
    if (link.loopback || link.name == "lo") continue;
    absl::StatusOr<std::string> mac = NormalizeMac(link.mac);
    if (!mac.ok()) continue;  // not an Ethernet link (a tunnel): nothing a NIC can stand for
    NetInterface nic;
    nic.name = link.name;
    nic.mac = *mac;
    nic.veth_mac = *DeriveVethMac(*mac);
    nic.mtu = link.mtu > 0 ? link.mtu : 1500;
    by_index[link.index] = plan.interfaces.size();
    plan.interfaces.push_back(std::move(nic));
  }
  for (const ObservedAddress& a : addresses) {
    auto it = by_index.find(a.ifindex);
    if (it == by_index.end()) continue;
    if (a.family != AF_INET && a.family != AF_INET6) continue;
    if (a.family == AF_INET6 && a.scope != RT_SCOPE_UNIVERSE) continue;  // fe80::
    plan.interfaces[it->second].addresses.push_back({a.family, a.local, a.prefix});
  }
  for (const ObservedRoute& r : routes) {
    auto it = by_index.find(r.oif);
    if (it == by_index.end()) continue;
    if (r.table != RT_TABLE_MAIN || r.type != RTN_UNICAST) continue;
    if (r.scope == RT_SCOPE_LINK || r.protocol == RTPROT_KERNEL) continue;
    // The kernel's own IPv6 routes (fe80::/64, the address's prefix) are RTPROT_KERNEL; Docker's
    // IPv6 default route is not.
    NetRoute route;
    route.family = r.family;
    route.destination = r.dst.empty() ? "default" : absl::StrCat(r.dst, "/", r.dst_prefix);
    route.gateway = r.gateway;
    route.device = plan.interfaces[it->second].name;
    route.source = r.prefsrc;
    route.metric = r.priority;
    plan.routes.push_back(std::move(route));
  }
  return plan;
}

std::string NetworkPlanToJson(const NetworkPlan& plan) {
  Json doc = Json::object();
  Json interfaces = Json::array();
  for (const NetInterface& nic : plan.interfaces) {
    Json addresses = Json::array();
    for (const NetAddress& a : nic.addresses) addresses.push_back(a.ToString());
    interfaces.push_back({{"name", nic.name},
                          {"mac", nic.mac},
                          {"veth_mac", nic.veth_mac},
                          {"mtu", nic.mtu},
                          {"addresses", std::move(addresses)}});
  }
  Json routes = Json::array();
  for (const NetRoute& r : plan.routes) {
    routes.push_back({{"destination", r.destination},
                      {"gateway", r.gateway},
                      {"device", r.device},
                      {"source", r.source},
                      {"metric", r.metric}});
  }
  doc["interfaces"] = std::move(interfaces);
  doc["routes"] = std::move(routes);
  return SerializeJson(doc, 2) + "\n";
}

absl::StatusOr<NetworkPlan> ParseNetworkPlan(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text, "network plan"));
  if (!doc.is_object()) return absl::InvalidArgumentError("network plan: not an object");
  NetworkPlan plan;
  const Json* interfaces = FindMember(doc, "interfaces");
  if (interfaces != nullptr && !interfaces->is_array()) {
    return absl::InvalidArgumentError("network plan: interfaces is not an array");
  }
  if (interfaces != nullptr) {
    for (const Json& item : *interfaces) {
      if (!item.is_object()) return absl::InvalidArgumentError("network plan: bad interface");
      NetInterface nic;
      nic.name = GetString(item, "name").value_or("");
      if (nic.name.empty() || nic.name.size() > 15 || nic.name.find('/') != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat("network plan: bad name '", nic.name, "'"));
      }
      std::string what = absl::StrCat("network plan: ", nic.name);
      absl::StatusOr<std::string> mac = NormalizeMac(GetString(item, "mac").value_or(""));
      if (!mac.ok()) return Annotate(mac.status(), what);
      nic.mac = *mac;
      if (std::optional<std::string> veth = GetString(item, "veth_mac")) nic.veth_mac = *veth;
      nic.mtu = static_cast<int>(GetInt(item, "mtu").value_or(1500));
      if (nic.mtu < 68 || nic.mtu > 65535) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": bad mtu ", nic.mtu));
      }
      if (const Json* addrs = FindMember(item, "addresses"); addrs != nullptr) {
        if (!addrs->is_array()) return absl::InvalidArgumentError(what + ": bad addresses");
        for (const Json& a : *addrs) {
          if (!a.is_string()) return absl::InvalidArgumentError(what + ": bad address");
          ASSIGN_OR_RETURN(NetAddress address, ParseCidr(a.get<std::string>(), what));
          nic.addresses.push_back(std::move(address));
        }
      }
      plan.interfaces.push_back(std::move(nic));
    }
  }
  const Json* routes = FindMember(doc, "routes");
  if (routes != nullptr && !routes->is_array()) {
    return absl::InvalidArgumentError("network plan: routes is not an array");
  }
  if (routes != nullptr) {
    for (const Json& item : *routes) {
      if (!item.is_object()) return absl::InvalidArgumentError("network plan: bad route");
      NetRoute route;
      route.destination = GetString(item, "destination").value_or("");
      route.gateway = GetString(item, "gateway").value_or("");
      route.device = GetString(item, "device").value_or("");
      route.source = GetString(item, "source").value_or("");
      route.metric = static_cast<int>(GetInt(item, "metric").value_or(0));
      std::string what = absl::StrCat("network plan: route ", route.destination);
      bool known = false;
      for (const NetInterface& nic : plan.interfaces) known = known || nic.name == route.device;
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": unknown device '", route.device, "'"));
      }
      // The family follows the gateway, else the destination; "default" alone is IPv4.
      if (!route.gateway.empty()) {
        if (IsAddress(route.gateway, AF_INET)) {
          route.family = AF_INET;
        } else if (IsAddress(route.gateway, AF_INET6)) {
          route.family = AF_INET6;
        } else {
          return absl::InvalidArgumentError(absl::StrCat(what, ": bad gateway '", route.gateway, "'"));
        }
      }
      if (route.destination != "default") {
        ASSIGN_OR_RETURN(NetAddress dst, ParseCidr(route.destination, what));
        if (route.family != 0 && route.family != dst.family) {
          return absl::InvalidArgumentError(what + ": gateway of another family");
        }
        route.family = dst.family;
      } else if (route.family == 0) {
        route.family = AF_INET;
      }
      if (!route.source.empty() && !IsAddress(route.source, route.family)) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": bad source '", route.source, "'"));
      }
      plan.routes.push_back(std::move(route));
    }
  }
  return plan;
}

std::string FormatTapFds(const std::vector<QemuNic>& nics) {
  std::string out;
  for (const QemuNic& nic : nics) {
    absl::StrAppend(&out, out.empty() ? "" : ",", nic.tap_fd, "=", nic.mac);
  }
  return out;
}

absl::StatusOr<std::vector<QemuNic>> ParseTapFds(std::string_view text) {
  std::vector<QemuNic> nics;
  if (text.empty()) return nics;
  for (std::string_view item : absl::StrSplit(text, ',')) {
    std::pair<std::string_view, std::string_view> parts = absl::StrSplit(item, absl::MaxSplits('=', 1));
    QemuNic nic;
    if (!absl::SimpleAtoi(parts.first, &nic.tap_fd) || nic.tap_fd < 0) {
      return absl::InvalidArgumentError(absl::StrCat(kTapFdsEnv, ": bad entry '", item, "'"));
    }
    absl::StatusOr<std::string> mac = NormalizeMac(parts.second);
    if (!mac.ok()) return Annotate(mac.status(), kTapFdsEnv);
    nic.mac = *mac;
    nics.push_back(std::move(nic));
  }
  return nics;
}

}  // namespace runcvm
