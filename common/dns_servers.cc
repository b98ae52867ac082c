#include "common/dns_servers.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/fd.h"

namespace runcvm {
namespace {

constexpr char kEtcResolvConf[] = "/etc/resolv.conf";
constexpr char kSystemdResolvedUpstreams[] = "/run/systemd/resolve/resolv.conf";
constexpr char kSystemdResolvedStub[] = "127.0.0.53";

// An IPv4 or IPv6 address and nothing else; `loopback` says whether it is 127/8 or ::1.
bool ParseIp(const std::string& text, bool& loopback) {
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    loopback = (ntohl(v4.s_addr) >> 24) == 127;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    loopback = IN6_IS_ADDR_LOOPBACK(&v6);
    return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> ResolvConfNameservers(std::string_view resolv_conf) {
  std::vector<std::string> servers;
  for (std::string_view line : absl::StrSplit(resolv_conf, '\n')) {
    std::vector<std::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.size() >= 2 && words[0] == "nameserver") servers.emplace_back(words[1]);
  }
  return servers;
}

std::vector<std::string> HostConfigDnsServers(const Json& hostconfig) {
  std::vector<std::string> servers;
  const Json* dns = FindMember(hostconfig, "Dns");
  if (dns == nullptr || !dns->is_array()) return servers;
  for (const Json& server : *dns) {
    if (server.is_string()) servers.push_back(server.get<std::string>());
  }
  return servers;
}

std::vector<std::string> ExternalDnsServers(const std::vector<std::string>& docker_dns,
                                            const std::vector<std::string>& host_nameservers) {
  const std::vector<std::string>& chosen = docker_dns.empty() ? host_nameservers : docker_dns;
  std::vector<std::string> servers;
  for (const std::string& server : chosen) {
    bool loopback = false;
    if (!ParseIp(server, loopback) || loopback) continue;
    if (std::find(servers.begin(), servers.end(), server) == servers.end()) {
      servers.push_back(server);
    }
  }
  return servers;
}

std::string HostResolvConfPath(std::string_view etc_resolv_conf) {
  std::vector<std::string> servers = ResolvConfNameservers(etc_resolv_conf);
  if (servers.size() == 1 && servers[0] == kSystemdResolvedStub) return kSystemdResolvedUpstreams;
  return kEtcResolvConf;
}

std::vector<std::string> FindExternalDnsServers(const Json& config) {
  const Json* mounts = FindMember(config, "mounts");
  if (mounts == nullptr || !mounts->is_array()) return {};
  std::string resolv_source;
  for (const Json& m : *mounts) {
    if (GetString(m, "destination") == kEtcResolvConf) {
      resolv_source = GetString(m, "source").value_or("");
    }
  }
  if (resolv_source.empty()) return {};
  std::string container_dir(absl::StripSuffix(resolv_source, "/resolv.conf"));
  if (container_dir == resolv_source) return {};

  std::vector<std::string> docker_dns;
  if (absl::StatusOr<Json> hostconfig = ReadJsonFile(container_dir + "/hostconfig.json");
      hostconfig.ok()) {
    docker_dns = HostConfigDnsServers(*hostconfig);
  }
  std::vector<std::string> host_nameservers;
  if (absl::StatusOr<std::string> etc = ReadFile(kEtcResolvConf); etc.ok()) {
    std::string path = HostResolvConfPath(*etc);
    absl::StatusOr<std::string> text = path == kEtcResolvConf ? etc : ReadFile(path);
    if (text.ok()) host_nameservers = ResolvConfNameservers(*text);
  }
  return ExternalDnsServers(docker_dns, host_nameservers);
}

}  // namespace runcvm
