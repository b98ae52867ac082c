#include "common/guest_net.h"

#include <unistd.h>

#include "catch2/catch.hpp"
#include "common/fd.h"

namespace runcvm {
namespace {

TEST_CASE("IPv4 broadcast addresses are those `ip addr add ... broadcast +` would set") {
  CHECK(Ipv4Broadcast("172.17.0.2", 16) == "172.17.255.255");
  CHECK(Ipv4Broadcast("10.1.2.3", 8) == "10.255.255.255");
  CHECK(Ipv4Broadcast("192.168.1.77", 26) == "192.168.1.127");
  CHECK(Ipv4Broadcast("192.168.1.77", 0) == "255.255.255.255");
  CHECK(Ipv4Broadcast("192.168.1.77", 31).empty());
  CHECK(Ipv4Broadcast("192.168.1.77", 32).empty());
  CHECK(Ipv4Broadcast("fd00::1", 64).empty());
}

TEST_CASE("no plan file, or an empty plan, means nothing to restore") {
  CHECK(RestoreNetwork("/nonexistent/network.json").ok());
  std::string path = "/tmp/runcvm-guest-net-test.json";
  REQUIRE(WriteFile(path, R"({"interfaces":[],"routes":[]})").ok());
  CHECK(RestoreNetwork(path).ok());
  REQUIRE(WriteFile(path, R"({"interfaces":[{"name":"eth0","mac":"bad"}]})").ok());
  absl::Status bad = RestoreNetwork(path);
  CHECK_FALSE(bad.ok());
  CHECK_THAT(std::string(bad.message()), Catch::Contains(path));
  unlink(path.c_str());
}

}  // namespace
}  // namespace runcvm
