#include "common/net_setup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/fd.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {
namespace {

// Frees a libnl object of any kind on scope exit.
template <typename T, void (*Free)(T*)>
struct NlPtr {
  T* p = nullptr;
  NlPtr() = default;
  explicit NlPtr(T* ptr) : p(ptr) {}
  NlPtr(const NlPtr&) = delete;
  NlPtr& operator=(const NlPtr&) = delete;
  ~NlPtr() {
    if (p != nullptr) Free(p);
  }
  T* get() const { return p; }
  T** out() { return &p; }
};
using NlCache = NlPtr<nl_cache, nl_cache_free>;
using NlAddr = NlPtr<nl_addr, nl_addr_put>;
using NlLink = NlPtr<rtnl_link, rtnl_link_put>;

std::string IpString(nl_addr* addr) {
  if (addr == nullptr || nl_addr_get_len(addr) == 0) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  int family = nl_addr_get_family(addr);
  if ((family != AF_INET && family != AF_INET6) ||
      inet_ntop(family, nl_addr_get_binary_addr(addr), buf, sizeof buf) == nullptr) {
    return "";
  }
  return buf;
}

std::string MacString(nl_addr* addr) {
  if (addr == nullptr || nl_addr_get_len(addr) != 6) return "";
  const auto* b = static_cast<const unsigned char*>(nl_addr_get_binary_addr(addr));
  return absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

constexpr char kBridgePrefix[] = "br-";
constexpr char kTapPrefix[] = "tap-";

// IFNAMSIZ is 16 with the NUL: "br-" + a 12-character name fits, a longer one is cut, which is
// harmless as long as the names stay distinct (Docker's are eth0, eth1, ...).
std::string PrefixedName(std::string_view prefix, const std::string& name) {
  std::string out = absl::StrCat(prefix, name);
  if (out.size() > IFNAMSIZ - 1) out.resize(IFNAMSIZ - 1);
  return out;
}

// A persistent-less tap named `name`, attached to this process through the returned descriptor:
// the device lives exactly as long as some process (QEMU, after init) holds it open.
// IFF_VNET_HDR lets QEMU's virtio-net pass checksum and segmentation offloads through (QEMU
// probes the flag on an inherited fd with TUNGETIFF).
absl::StatusOr<UniqueFd> OpenTap(const std::string& name) {
  // No O_CLOEXEC: the descriptor crosses the exec of init and is inherited by QEMU.
  UniqueFd fd(open("/dev/net/tun", O_RDWR));
  if (!fd.valid()) return ErrnoError(errno, "open /dev/net/tun");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
  if (ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
    return ErrnoError(errno, absl::StrCat("create tap ", name));
  }
  return fd;
}

absl::Status FlushAddresses(nl_sock* sock, int ifindex) {
  NlCache cache;
  if (int err = rtnl_addr_alloc_cache(sock, cache.out()); err < 0) {
    return NlError(err, "list addresses");
  }
  for (nl_object* obj = nl_cache_get_first(cache.get()); obj != nullptr;
       obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    if (rtnl_addr_get_ifindex(addr) != ifindex) continue;
    int err = rtnl_addr_delete(sock, addr, 0);
    // An IPv6 address may already be gone with the IPv4 one; that is fine.
    if (err < 0 && err != -NLE_NOADDR && err != -NLE_OBJ_NOTFOUND) {
      return NlError(err, absl::StrCat("delete address ", IpString(rtnl_addr_get_local(addr))));
    }
  }
  return absl::OkStatus();
}

LinkChange Up(int up) {
  LinkChange change;
  change.up = up;
  return change;
}

// Makes `nic` (ethX) a bridge port and puts a tap next to it; returns the tap's descriptor.
absl::StatusOr<UniqueFd> BridgeToTap(nl_sock* sock, const NetInterface& nic, int ifindex) {
  const std::string bridge = PrefixedName(kBridgePrefix, nic.name);
  const std::string tap = PrefixedName(kTapPrefix, nic.name);

  // ethX keeps no IPv6 life of its own (no link-local address, no router solicitations): it is
  // only a port now. The sysctl may be read-only in some containers; that is not fatal.
  (void)WriteSysctl(absl::StrCat("ipv6/conf/", nic.name, "/disable_ipv6"), "1");
  RETURN_IF_ERROR(FlushAddresses(sock, ifindex));
  // Down first: not every driver changes its MAC while running.
  RETURN_IF_ERROR(ChangeLink(sock, ifindex, Up(0)));
  LinkChange identity;
  identity.mac = nic.veth_mac;
  identity.mtu = nic.mtu;
  RETURN_IF_ERROR(ChangeLink(sock, ifindex, identity));

  // A plain bridge: STP is off by default, so ports forward at once (no forward delay applies).
  NlLink br(rtnl_link_bridge_alloc());
  if (br.get() == nullptr) return absl::ResourceExhaustedError("allocate a bridge");
  rtnl_link_set_name(br.get(), bridge.c_str());
  rtnl_link_set_mtu(br.get(), nic.mtu);
  if (int err = rtnl_link_add(sock, br.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    return NlError(err, absl::StrCat("create bridge ", bridge));
  }
  ASSIGN_OR_RETURN(int br_index, LinkIndex(sock, bridge));
  (void)WriteSysctl(absl::StrCat("ipv6/conf/", bridge, "/disable_ipv6"), "1");

  ASSIGN_OR_RETURN(UniqueFd tap_fd, OpenTap(tap));
  ASSIGN_OR_RETURN(int tap_index, LinkIndex(sock, tap));
  (void)WriteSysctl(absl::StrCat("ipv6/conf/", tap, "/disable_ipv6"), "1");

  LinkChange port;
  port.master = br_index;
  RETURN_IF_ERROR(ChangeLink(sock, ifindex, port));
  port.mtu = nic.mtu;
  RETURN_IF_ERROR(ChangeLink(sock, tap_index, port));
  RETURN_IF_ERROR(ChangeLink(sock, br_index, Up(1)));
  RETURN_IF_ERROR(ChangeLink(sock, tap_index, Up(1)));
  RETURN_IF_ERROR(ChangeLink(sock, ifindex, Up(1)));
  return tap_fd;
}

}  // namespace

NlSocket::~NlSocket() {
  if (sock_ != nullptr) nl_socket_free(sock_);
}

absl::Status NlSocket::Connect() {
  if (sock_ == nullptr) sock_ = nl_socket_alloc();
  if (sock_ == nullptr) return absl::ResourceExhaustedError("allocate a netlink socket");
  if (int err = nl_connect(sock_, NETLINK_ROUTE); err < 0) return NlError(err, "netlink");
  return absl::OkStatus();
}

absl::Status NlError(int err, std::string_view context) {
  std::string message = absl::StrCat(context, ": ", nl_geterror(err));
  switch (-err) {
    case NLE_PERM:
      return absl::PermissionDeniedError(message);
    case NLE_EXIST:
      return absl::AlreadyExistsError(message);
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV:
      return absl::NotFoundError(message);
    case NLE_INVAL:
    case NLE_RANGE:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<ObservedNetwork> ObserveNetwork(nl_sock* sock) {
  ObservedNetwork net;
  NlCache links, addrs, routes;
  if (int err = rtnl_link_alloc_cache(sock, AF_UNSPEC, links.out()); err < 0) {
    return NlError(err, "list links");
  }
  if (int err = rtnl_addr_alloc_cache(sock, addrs.out()); err < 0) {
    return NlError(err, "list addresses");
  }
  if (int err = rtnl_route_alloc_cache(sock, AF_UNSPEC, 0, routes.out()); err < 0) {
    return NlError(err, "list routes");
  }
  for (nl_object* obj = nl_cache_get_first(links.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    ObservedLink l;
    l.index = rtnl_link_get_ifindex(link);
    l.name = rtnl_link_get_name(link) != nullptr ? rtnl_link_get_name(link) : "";
    l.mac = MacString(rtnl_link_get_addr(link));
    l.mtu = static_cast<int>(rtnl_link_get_mtu(link));
    l.loopback = (rtnl_link_get_flags(link) & IFF_LOOPBACK) != 0;
    net.links.push_back(std::move(l));
  }
  for (nl_object* obj = nl_cache_get_first(addrs.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* addr = reinterpret_cast<rtnl_addr*>(obj);
    ObservedAddress a;
    a.ifindex = rtnl_addr_get_ifindex(addr);
    a.family = rtnl_addr_get_family(addr);
    a.local = IpString(rtnl_addr_get_local(addr));
    a.prefix = rtnl_addr_get_prefixlen(addr);
    a.scope = rtnl_addr_get_scope(addr);
    if (!a.local.empty()) net.addresses.push_back(std::move(a));
  }
  for (nl_object* obj = nl_cache_get_first(routes.get()); obj; obj = nl_cache_get_next(obj)) {
    auto* route = reinterpret_cast<rtnl_route*>(obj);
    if (rtnl_route_get_nnexthops(route) != 1) continue;  // multipath: Docker never sets one
    rtnl_nexthop* nh = rtnl_route_nexthop_n(route, 0);
    ObservedRoute r;
    r.family = rtnl_route_get_family(route);
    r.table = static_cast<int>(rtnl_route_get_table(route));
    r.type = rtnl_route_get_type(route);
    r.protocol = rtnl_route_get_protocol(route);
    r.scope = rtnl_route_get_scope(route);
    nl_addr* dst = rtnl_route_get_dst(route);
    r.dst_prefix = dst != nullptr ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0;
    r.dst = r.dst_prefix == 0 ? "" : IpString(dst);
    r.gateway = IpString(rtnl_route_nh_get_gateway(nh));
    r.oif = rtnl_route_nh_get_ifindex(nh);
    r.prefsrc = IpString(rtnl_route_get_pref_src(route));
    r.priority = static_cast<int>(rtnl_route_get_priority(route));
    net.routes.push_back(std::move(r));
  }
  return net;
}

absl::StatusOr<int> LinkIndex(nl_sock* sock, const std::string& name) {
  NlLink link;
  if (int err = rtnl_link_get_kernel(sock, 0, name.c_str(), link.out()); err < 0) {
    return NlError(err, absl::StrCat("find link ", name));
  }
  return rtnl_link_get_ifindex(link.get());
}

absl::Status ChangeLink(nl_sock* sock, int ifindex, const LinkChange& change) {
  NlLink orig;
  if (int err = rtnl_link_get_kernel(sock, ifindex, nullptr, orig.out()); err < 0) {
    return NlError(err, absl::StrCat("find link ", ifindex));
  }
  std::string what = absl::StrCat("change link ", rtnl_link_get_name(orig.get()));
  NlLink want(rtnl_link_alloc());
  if (want.get() == nullptr) return absl::ResourceExhaustedError("allocate a link");
  if (!change.name.empty()) rtnl_link_set_name(want.get(), change.name.c_str());
  if (!change.mac.empty()) {
    NlAddr mac;
    if (int err = nl_addr_parse(change.mac.c_str(), AF_LLC, mac.out()); err < 0) {
      return NlError(err, absl::StrCat(what, ": MAC ", change.mac));
    }
    rtnl_link_set_addr(want.get(), mac.get());
  }
  if (change.mtu > 0) rtnl_link_set_mtu(want.get(), change.mtu);
  if (change.master > 0) rtnl_link_set_master(want.get(), change.master);
  if (change.up == 1) rtnl_link_set_flags(want.get(), IFF_UP);
  if (change.up == 0) rtnl_link_unset_flags(want.get(), IFF_UP);
  if (int err = rtnl_link_change(sock, orig.get(), want.get(), 0); err < 0) {
    return NlError(err, what);
  }
  return absl::OkStatus();
}

absl::Status WriteSysctl(const std::string& path, std::string_view value) {
  return WriteFile(absl::StrCat("/proc/sys/net/", path), value);
}

absl::StatusOr<std::vector<QemuNic>> TakeTapFdsFromEnv() {
  const char* text = getenv(kTapFdsEnv);
  ASSIGN_OR_RETURN(std::vector<QemuNic> nics, ParseTapFds(text != nullptr ? text : ""));
  unsetenv(kTapFdsEnv);
  for (const QemuNic& nic : nics) {
    if (fcntl(nic.tap_fd, F_SETFD, FD_CLOEXEC) != 0) {
      return ErrnoError(errno, absl::StrCat(kTapFdsEnv, ": tap descriptor ", nic.tap_fd));
    }
  }
  return nics;
}

absl::StatusOr<std::vector<QemuNic>> PrepareContainerNetwork(const std::string& plan_path) {
  NlSocket sock;
  RETURN_IF_ERROR(sock.Connect());
  ASSIGN_OR_RETURN(ObservedNetwork observed, ObserveNetwork(sock.get()));
  NetworkPlan plan = BuildNetworkPlan(observed.links, observed.addresses, observed.routes);
  // The plan is written first: should the hand-over fail half-way, it still says what the
  // container had (for diagnosis; the container fails anyway).
  RETURN_IF_ERROR(WriteFile(plan_path, NetworkPlanToJson(plan), 0644));

  std::vector<QemuNic> nics;
  for (const NetInterface& nic : plan.interfaces) {
    int ifindex = 0;
    for (const ObservedLink& link : observed.links) {
      if (link.name == nic.name) ifindex = link.index;
    }
    absl::StatusOr<UniqueFd> tap = BridgeToTap(sock.get(), nic, ifindex);
    if (!tap.ok()) return Annotate(tap.status(), absl::StrCat("hand ", nic.name, " to the VM"));
    QemuNic qemu_nic;
    qemu_nic.tap_fd = tap->release();
    qemu_nic.mac = nic.mac;
    nics.push_back(std::move(qemu_nic));
    LogDebug(absl::StrCat("network: ", nic.name, " (", nic.mac, ") bridged to ",
                          PrefixedName(kTapPrefix, nic.name)));
  }
  return nics;
}

}  // namespace runcvm
