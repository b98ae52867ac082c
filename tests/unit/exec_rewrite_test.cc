#include "common/exec_rewrite.h"

#include <cstdlib>
#include <string>

#include "catch2/catch.hpp"
#include "common/fd.h"
#include "common/json.h"

namespace runcvm {
namespace {

std::string FixturePath(const std::string& name) {
  return std::string(RUNCVM_FIXTURES) + "/" + name;
}

Json LoadJson(const std::string& name) {
  absl::StatusOr<Json> j = ReadJsonFile(FixturePath(name));
  REQUIRE(j.ok());
  return *j;
}

TEST_CASE("exec rewrite: golden file from a real `docker exec`") {
  // docker exec -u 1000 -w /tmp -e FOO=bar C sh -c true
  Json process = LoadJson("exec/process.json");
  absl::StatusOr<Json> r = RewriteProcess(process);
  REQUIRE(r.ok());
  const char* update = getenv("RUNCVM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    REQUIRE(WriteFile(FixturePath("exec/expected-process.json"), SerializeJson(*r, 2) + "\n").ok());
  } else {
    Json expected = LoadJson("exec/expected-process.json");
    INFO(SerializeJson(*r, 2));
    CHECK(*r == expected);
  }
  // The one argument is the whole original process, which ctr-exec hands to the guest.
  REQUIRE((*r)["args"].size() == 2);
  CHECK((*r)["args"][0] == "/opt/runcvm/bin/runcvm-ctr-exec");
  CHECK(Json::parse((*r)["args"][1].get<std::string>()) == process);
  CHECK((*r)["env"] == process["env"]);
}

TEST_CASE("exec rewrite: --privileged capabilities go to the VM, not to ctr-exec") {
  Json process = LoadJson("exec/process.json");
  uint64_t without_sys_resource = ~uint64_t{0} & ~(uint64_t{1} << 24);
  Json plain = *RewriteProcess(process, without_sys_resource);
  // docker exec --privileged: every capability, CAP_SYS_RESOURCE (24) among them.
  Json all = Json::array({"CAP_CHOWN", "CAP_SYS_RESOURCE", "CAP_SYS_MODULE", "CAP_BPF"});
  for (const char* set : {"bounding", "effective", "inheritable", "permitted"}) {
    process["capabilities"][set] = all;
  }
  absl::StatusOr<Json> r = RewriteProcess(process, without_sys_resource);
  REQUIRE(r.ok());
  // ctr-exec's own set does not depend on what the session asked for, and never holds a
  // capability the host cannot grant (runc would fail the exec).
  CHECK((*r)["capabilities"] == plain["capabilities"]);
  for (const Json& cap : (*r)["capabilities"]["bounding"]) {
    CHECK(cap != "CAP_SYS_RESOURCE");
    CHECK(cap != "CAP_SYS_MODULE");
  }
  // The session's set travels intact to the guest.
  CHECK(Json::parse((*r)["args"][1].get<std::string>())["capabilities"]["bounding"] == all);
}

TEST_CASE("exec rewrite: --- runs the command in the container") {
  Json process = LoadJson("exec/process.json");
  process["args"] = Json::array({"---", "ps", "-ef"});
  absl::StatusOr<Json> r = RewriteProcess(process);
  REQUIRE(r.ok());
  Json expected = process;
  expected["args"] = Json::array({"ps", "-ef"});
  CHECK(*r == expected);

  process["args"] = Json::array({"---"});
  CHECK(RewriteProcess(process).status().message() ==
        "process.json: args: nothing to run after ---");
}

TEST_CASE("exec rewrite: a terminal stays a terminal") {
  Json process = LoadJson("exec/process.json");
  process["terminal"] = true;
  process["consoleSize"] = Json{{"height", 24}, {"width", 80}};
  absl::StatusOr<Json> r = RewriteProcess(process);
  REQUIRE(r.ok());
  CHECK((*r)["terminal"] == true);
  CHECK((*r)["consoleSize"] == process["consoleSize"]);
}

TEST_CASE("exec rewrite: malformed process.json") {
  CHECK(RewriteProcess(Json::array()).status().message() == "process.json: expected an object");
  CHECK(RewriteProcess(Json::parse(R"({"args":[]})")).status().message() ==
        "process.json: args: expected a non-empty array of strings");
  CHECK(RewriteProcess(Json::parse(R"({"args":"sh"})")).status().message() ==
        "process.json: args: expected a non-empty array of strings");
}

}  // namespace
}  // namespace runcvm
