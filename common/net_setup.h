// The container side of the network hand-over (DESIGN.md decision 6), through libnl: capture the
// container's interfaces (net_capture.h), then give each one's identity to the VM. Per interface
// ethX: its addresses are flushed, it takes a derived MAC, and it is bridged (br-ethX) with a tap
// (tap-ethX) whose open descriptor QEMU inherits; the guest NIC on that tap takes ethX's original
// MAC, name, MTU, addresses and routes (guest_net.h).
#ifndef RUNCVM_COMMON_NET_SETUP_H_
#define RUNCVM_COMMON_NET_SETUP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/net_capture.h"
#include "common/qemu.h"

struct nl_sock;

namespace runcvm {

inline constexpr char kNetworkPlanPath[] = "/.runcvm/network.json";

// Runs in the container's network namespace before init (ctr-entrypoint). Writes the plan to
// `plan_path` and returns one NIC per interface, in plan order: an open tap descriptor WITHOUT
// close-on-exec (it must survive the exec of init, which hands it to QEMU) and the guest MAC.
// --network=none (lo only): an empty plan, no NICs, nothing changed.
absl::StatusOr<std::vector<QemuNic>> PrepareContainerNetwork(
    const std::string& plan_path = kNetworkPlanPath);

// init's half of the hand-over: the NICs ctr-entrypoint left in RUNCVM_TAP_FDS (FormatTapFds),
// with close-on-exec set again on each tap so that only QEMU inherits them (list them in its
// SubprocessOptions::keep_fds), and the variable removed from init's environment. No variable:
// no NICs.
absl::StatusOr<std::vector<QemuNic>> TakeTapFdsFromEnv();

// --- shared with guest_net.cc ---------------------------------------------------------------------

// An rtnetlink socket, freed on destruction.
class NlSocket {
 public:
  NlSocket() = default;
  NlSocket(const NlSocket&) = delete;
  NlSocket& operator=(const NlSocket&) = delete;
  ~NlSocket();
  absl::Status Connect();  // to NETLINK_ROUTE
  nl_sock* get() const { return sock_; }

 private:
  nl_sock* sock_ = nullptr;
};

// libnl's negative NLE_* code as a Status: "context: <nl_geterror>".
absl::Status NlError(int err, std::string_view context);

// What the kernel reports now, through `sock`.
struct ObservedNetwork {
  std::vector<ObservedLink> links;
  std::vector<ObservedAddress> addresses;
  std::vector<ObservedRoute> routes;
};
absl::StatusOr<ObservedNetwork> ObserveNetwork(nl_sock* sock);

// Sets and clears link attributes of `ifindex` (RTM_NEWLINK changes): empty/0 leave them alone.
struct LinkChange {
  std::string name;
  std::string mac;
  int mtu = 0;
  int master = 0;    // ifindex of the bridge to enslave to
  int up = -1;       // 1 up, 0 down, -1 unchanged
};
absl::Status ChangeLink(nl_sock* sock, int ifindex, const LinkChange& change);

// The ifindex of `name`, or NotFound.
absl::StatusOr<int> LinkIndex(nl_sock* sock, const std::string& name);

// Writes `value` to /proc/sys/net/<path>; errors are the caller's to ignore.
absl::Status WriteSysctl(const std::string& path, std::string_view value);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_NET_SETUP_H_
