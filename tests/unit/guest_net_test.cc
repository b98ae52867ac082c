#include "common/guest_net.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "catch2/catch.hpp"
#include "absl/strings/str_cat.h"
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

TEST_CASE("init takes the tap descriptors from the environment, close-on-exec again") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);  // any descriptor will do for the flag
  setenv(kTapFdsEnv, absl::StrCat(fds[0], "=02:42:AC:11:00:02").c_str(), 1);
  auto nics = TakeTapFdsFromEnv();
  REQUIRE(nics.ok());
  REQUIRE(nics->size() == 1);
  CHECK((*nics)[0].tap_fd == fds[0]);
  CHECK((*nics)[0].mac == "02:42:ac:11:00:02");
  CHECK((fcntl(fds[0], F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(getenv(kTapFdsEnv) == nullptr);
  CHECK(TakeTapFdsFromEnv()->empty());
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace runcvm
