// The guest side of the network hand-over (DESIGN.md decision 6): vm-init gives each guest NIC
// the identity its container interface had (net_setup.h wrote the plan).
#ifndef RUNCVM_COMMON_GUEST_NET_H_
#define RUNCVM_COMMON_GUEST_NET_H_

#include <string>

#include "absl/status/status.h"
#include "common/net_capture.h"
#include "common/net_setup.h"

namespace runcvm {

// For each planned interface: finds the guest NIC with the container's MAC (QEMU gave it that
// MAC), renames it to the container's name (eth0), sets its MTU, adds its IPv4 and IPv6 addresses
// (IPv6 without duplicate address detection: the address is the container's, already checked by
// Docker, and DAD would hold it "tentative" for a second or more after boot), brings it up, then
// adds the routes, the default route included when the container had one. Without a plan file
// (or with an empty plan: --network=none) there is nothing to do. The virtio_net driver must be
// loaded (the initramfs does).
absl::Status RestoreNetwork(const std::string& plan_path = kNetworkPlanPath);

// Pure: the IPv4 broadcast address of "a/p" ("172.17.0.2", 16 -> "172.17.255.255"), as
// `ip addr add ... broadcast +` sets it and as Docker's interface had it; empty for /31 and /32.
std::string Ipv4Broadcast(const std::string& address, int prefix);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_GUEST_NET_H_
