#include "common/net_capture.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

// What `ip` shows in a container on a user-defined dual-stack network, as rtnetlink reports it.
struct DockerNetns {
  std::vector<ObservedLink> links = {{1, "lo", "00:00:00:00:00:00", 65536, true},
                                     {17, "eth0", "02:42:AC:12:00:05", 1450, false},
                                     {19, "eth1", "02:42:ac:13:00:02", 1500, false}};
  std::vector<ObservedAddress> addresses = {
      {1, AF_INET, "127.0.0.1", 8, RT_SCOPE_HOST},
      {1, AF_INET6, "::1", 128, RT_SCOPE_HOST},
      {17, AF_INET, "172.18.0.5", 16, RT_SCOPE_UNIVERSE},
      {17, AF_INET6, "fd00:1::5", 64, RT_SCOPE_UNIVERSE},
      {17, AF_INET6, "fe80::42:acff:fe12:5", 64, RT_SCOPE_LINK},
      {19, AF_INET, "172.19.0.2", 16, RT_SCOPE_UNIVERSE}};
  std::vector<ObservedRoute> routes = {
      // default via 172.18.0.1 dev eth0
      {AF_INET, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_UNIVERSE, "", 0, "172.18.0.1", 17, "", 0},
      // 172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.5
      {AF_INET, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, RT_SCOPE_LINK, "172.18.0.0", 16, "", 17, "172.18.0.5", 0},
      {AF_INET, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, RT_SCOPE_LINK, "172.19.0.0", 16, "", 19, "172.19.0.2", 0},
      // 10.9.0.0/16 via 172.19.0.254 dev eth1 (a user's extra route)
      {AF_INET, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_UNIVERSE, "10.9.0.0", 16, "172.19.0.254", 19, "", 0},
      // local 172.18.0.5 dev eth0 table local
      {AF_INET, RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, RT_SCOPE_HOST, "172.18.0.5", 32, "", 17, "", 0},
      // fd00:1::/64 dev eth0 proto kernel metric 256; fe80::/64 likewise
      {AF_INET6, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, RT_SCOPE_UNIVERSE, "fd00:1::", 64, "", 17, "", 256},
      {AF_INET6, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, RT_SCOPE_UNIVERSE, "fe80::", 64, "", 17, "", 256},
      // default via fd00:1::1 dev eth0 metric 1024
      {AF_INET6, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_UNIVERSE, "", 0, "fd00:1::1", 17, "", 1024},
      // multicast ff00::/8 table local
      {AF_INET6, RT_TABLE_LOCAL, RTN_MULTICAST, RTPROT_KERNEL, RT_SCOPE_UNIVERSE, "ff00::", 8, "", 17, "", 256}};
};

TEST_CASE("the plan keeps every interface but lo, its global addresses and the routes Docker set") {
  DockerNetns ns;
  NetworkPlan plan = BuildNetworkPlan(ns.links, ns.addresses, ns.routes);
  REQUIRE(plan.interfaces.size() == 2);
  const NetInterface& eth0 = plan.interfaces[0];
  CHECK(eth0.name == "eth0");
  CHECK(eth0.mac == "02:42:ac:12:00:05");
  CHECK(eth0.veth_mac == "06:42:ac:12:00:05");
  CHECK(eth0.mtu == 1450);
  REQUIRE(eth0.addresses.size() == 2);
  CHECK(eth0.addresses[0].ToString() == "172.18.0.5/16");
  CHECK(eth0.addresses[1].ToString() == "fd00:1::5/64");
  CHECK(plan.interfaces[1].addresses.size() == 1);

  REQUIRE(plan.routes.size() == 3);
  CHECK(plan.routes[0] == NetRoute{AF_INET, "default", "172.18.0.1", "eth0", "", 0});
  CHECK(plan.routes[1] == NetRoute{AF_INET, "10.9.0.0/16", "172.19.0.254", "eth1", "", 0});
  CHECK(plan.routes[2] == NetRoute{AF_INET6, "default", "fd00:1::1", "eth0", "", 1024});
}

TEST_CASE("--network=none: lo alone gives an empty plan") {
  DockerNetns ns;
  ns.links.resize(1);
  NetworkPlan plan = BuildNetworkPlan(ns.links, ns.addresses, ns.routes);
  CHECK(plan.interfaces.empty());
  CHECK(plan.routes.empty());
  auto parsed = ParseNetworkPlan(NetworkPlanToJson(plan));
  REQUIRE(parsed.ok());
  CHECK(parsed->interfaces.empty());
}

TEST_CASE("the plan survives its JSON form unchanged") {
  DockerNetns ns;
  NetworkPlan plan = BuildNetworkPlan(ns.links, ns.addresses, ns.routes);
  auto parsed = ParseNetworkPlan(NetworkPlanToJson(plan));
  REQUIRE(parsed.ok());
  CHECK(*parsed == plan);
}

TEST_CASE("a network without a gateway has no default route, and that is not an error") {
  // docker network create --internal: no default route at all (the original wrote "-" here and
  // then ran `ip route add default via -`).
  auto plan = ParseNetworkPlan(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02",
      "mtu":1500,"addresses":["172.20.0.2/16"]}],"routes":[]})");
  REQUIRE(plan.ok());
  CHECK(plan->routes.empty());
  auto onlink = ParseNetworkPlan(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02",
      "addresses":[]}],"routes":[{"destination":"10.0.0.0/8","device":"eth0"}]})");
  REQUIRE(onlink.ok());
  CHECK(onlink->routes[0].gateway.empty());
  CHECK(onlink->routes[0].family == AF_INET);
  CHECK(onlink->interfaces[0].mtu == 1500);
}

TEST_CASE("a bad plan is refused with the field at fault") {
  auto bad = [](std::string_view json) {
    auto plan = ParseNetworkPlan(json);
    REQUIRE_FALSE(plan.ok());
    return std::string(plan.status().message());
  };
  CHECK_THAT(bad(R"({"interfaces":[{"name":"eth0","mac":"nope"}]})"),
             Catch::Contains("'nope' is not a MAC address"));
  CHECK_THAT(bad(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02","addresses":["10.0.0.1/33"]}]})"),
             Catch::Contains("no valid prefix"));
  CHECK_THAT(bad(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02","addresses":["x/8"]}]})"),
             Catch::Contains("'x/8' is not an address"));
  CHECK_THAT(bad(R"({"interfaces":[],"routes":[{"destination":"default","gateway":"10.0.0.1","device":"eth9"}]})"),
             Catch::Contains("unknown device 'eth9'"));
  CHECK_THAT(bad(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02"}],
      "routes":[{"destination":"10.0.0.0/8","gateway":"fd00::1","device":"eth0"}]})"),
             Catch::Contains("gateway of another family"));
  CHECK_THAT(bad(R"({"interfaces":[{"name":"eth0","mac":"02:42:ac:14:00:02"}],
      "routes":[{"destination":"default","gateway":"-","device":"eth0"}]})"),
             Catch::Contains("bad gateway '-'"));
  CHECK_THAT(bad(R"({"interfaces":[{"name":"../x","mac":"02:42:ac:14:00:02"}]})"),
             Catch::Contains("bad name"));
  CHECK_THAT(bad("[1"), Catch::Contains("network plan"));
}

TEST_CASE("the veth's MAC differs from the container's, stays unicast and locally administered") {
  for (std::string mac : {"02:42:ac:11:00:02", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
                          "06:42:ac:11:00:02", "52:54:00:12:34:56"}) {
    auto derived = DeriveVethMac(mac);
    REQUIRE(derived.ok());
    CHECK(*derived != mac);
    CHECK(derived->substr(2) == mac.substr(2));
    int first = std::stoi(derived->substr(0, 2), nullptr, 16);
    CHECK((first & 0x01) == 0);  // unicast
    CHECK((first & 0x02) == 2);  // locally administered
  }
  CHECK(*DeriveVethMac("02:42:AC:11:00:02") == "06:42:ac:11:00:02");
  CHECK_FALSE(DeriveVethMac("02:42:ac:11:00").ok());
}

TEST_CASE("tap descriptors and MACs travel to init in one variable") {
  QemuNic a, b;
  a.tap_fd = 5;
  a.mac = "02:42:ac:11:00:02";
  b.tap_fd = 6;
  b.mac = "02:42:ac:12:00:03";
  std::string text = FormatTapFds({a, b});
  CHECK(text == "5=02:42:ac:11:00:02,6=02:42:ac:12:00:03");
  auto parsed = ParseTapFds(text);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].tap_fd == 6);
  CHECK((*parsed)[1].mac == "02:42:ac:12:00:03");
  CHECK(FormatTapFds({}).empty());
  CHECK(ParseTapFds("")->empty());
  CHECK_FALSE(ParseTapFds("x=02:42:ac:11:00:02").ok());
  CHECK_FALSE(ParseTapFds("5=02:42").ok());
  CHECK_FALSE(ParseTapFds("5").ok());
}

}  // namespace
}  // namespace runcvm
