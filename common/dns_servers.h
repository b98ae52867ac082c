// Which DNS servers the VM asks itself. On a user-defined network Docker's embedded DNS
// (127.0.0.11) answers the names of containers and forwards every other name to "external"
// servers: --dns if given, else the host's resolvers. It sends those forwarded queries from the
// container's network namespace, which has no address left once the VM owns it, so they are never
// answered (dns_fallback.h). The runtime therefore works out the same list at `create`, and the VM
// asks those servers directly, from the container's own addresses, as a runc container's queries
// would leave. Loopback servers are left out: Docker reaches those from the host's namespace, so
// its own answer works, and the VM could not reach them anyway.
#ifndef RUNCVM_COMMON_DNS_SERVERS_H_
#define RUNCVM_COMMON_DNS_SERVERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace runcvm {

// The `nameserver` addresses of a resolv.conf, in order (comments and other lines ignored).
std::vector<std::string> ResolvConfNameservers(std::string_view resolv_conf);

// The "Dns" list of a Docker hostconfig.json (docker run --dns), in order; empty when absent.
std::vector<std::string> HostConfigDnsServers(const Json& hostconfig);

// Docker's choice, then ours: `docker_dns` (--dns) when not empty, else the host's nameservers;
// without loopback addresses, anything that is not an IP address, and repeats.
std::vector<std::string> ExternalDnsServers(const std::vector<std::string>& docker_dns,
                                            const std::vector<std::string>& host_nameservers);

// The host's resolv.conf as Docker reads it: /etc/resolv.conf, or systemd-resolved's list of the
// real upstream servers when /etc/resolv.conf only names its local stub (127.0.0.53).
std::string HostResolvConfPath(std::string_view etc_resolv_conf);

// For `create`: Docker keeps hostconfig.json next to the container's resolv.conf, which config.json
// bind-mounts at /etc/resolv.conf. Empty when the container has no such mount (not Docker) or
// nothing can be read: the VM then relies on Docker's answers alone.
std::vector<std::string> FindExternalDnsServers(const Json& config);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_DNS_SERVERS_H_
