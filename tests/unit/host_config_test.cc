#include "common/host_config.h"

#include "catch2/catch.hpp"
#include "common/bundle_versions.h"

namespace runcvm {
namespace {

constexpr auto kDocker = HostConfigKind::kDocker;
constexpr auto kPodman = HostConfigKind::kPodman;
constexpr char kPath[] = "/opt/runcvm/bin/runcvm-runtime";

std::string Added(HostConfigKind kind, std::string_view text) {
  absl::StatusOr<std::optional<std::string>> r = AddRuntime(kind, text, "runcvm", kPath);
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

std::string Removed(HostConfigKind kind, std::string_view text) {
  absl::StatusOr<std::optional<std::string>> r = RemoveRuntime(kind, text, "runcvm");
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  return **r;
}

TEST_CASE("daemon.json: the runtime is added, every other key and runtime kept in order") {
  std::string in =
      "{\n    \"log-driver\": \"journald\",\n    \"runtimes\": {\n        \"kata\": {\"path\": "
      "\"/usr/bin/kata\"}\n    },\n    \"debug\": true\n}\n";
  std::string out = Added(kDocker, in);
  CHECK(out ==
        "{\n    \"log-driver\": \"journald\",\n    \"runtimes\": {\n        \"kata\": {\n"
        "            \"path\": \"/usr/bin/kata\"\n        },\n        \"runcvm\": {\n"
        "            \"path\": \"/opt/runcvm/bin/runcvm-runtime\"\n        }\n    },\n"
        "    \"debug\": true\n}\n");
  // Taken out again, the document is the original one (its layout may differ).
  CHECK(SameConfig(kDocker, Removed(kDocker, out), in));
  CHECK_FALSE(SameConfig(kDocker, out, in));
}

TEST_CASE("daemon.json: empty, compact and already-registered files") {
  CHECK(Added(kDocker, "") ==
        "{\n  \"runtimes\": {\n    \"runcvm\": {\n      \"path\": \"/opt/runcvm/bin/runcvm-runtime\"\n"
        "    }\n  }\n}\n");
  CHECK(Added(kDocker, "{\"a\":1}") ==
        "{\"a\":1,\"runtimes\":{\"runcvm\":{\"path\":\"/opt/runcvm/bin/runcvm-runtime\"}}}");
  std::string once = Added(kDocker, "{}\n");
  absl::StatusOr<std::optional<std::string>> again = AddRuntime(kDocker, once, "runcvm", kPath);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());  // a re-install writes nothing
  // A different path is corrected.
  CHECK(Added(kDocker, R"({"runtimes":{"runcvm":{"path":"/old"}}})") ==
        R"({"runtimes":{"runcvm":{"path":"/opt/runcvm/bin/runcvm-runtime"}}})");
  // Our `runtimes` object goes when it would be left empty.
  CHECK(Removed(kDocker, once) == "{}\n");
  CHECK(SameConfig(kDocker, "", "{}\n"));
}

TEST_CASE("daemon.json: an empty runtimes object for dockerd to reload") {
  absl::StatusOr<std::optional<std::string>> r = AddEmptyDockerRuntimes("{\"debug\": true}\n");
  REQUIRE(r.ok());
  CHECK(**r == "{\"debug\":true,\"runtimes\":{}}\n");
  r = AddEmptyDockerRuntimes("");
  REQUIRE(r.ok());
  CHECK(**r == "{\n  \"runtimes\": {}\n}\n");
  r = AddEmptyDockerRuntimes(R"({"runtimes": {"kata": {"path": "/k"}}})");
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
}

TEST_CASE("daemon.json: what is not a config is refused") {
  CHECK(AddRuntime(kDocker, "{\"a\": 1,", "runcvm", kPath).status().message().find(
            "parse daemon.json") != std::string_view::npos);
  CHECK_FALSE(AddRuntime(kDocker, "[1]", "runcvm", kPath).ok());
  CHECK_FALSE(AddRuntime(kDocker, R"({"runtimes": 3})", "runcvm", kPath).ok());
  CHECK_FALSE(RemoveRuntime(kDocker, "{oops", "runcvm").ok());
  absl::StatusOr<std::optional<std::string>> none = RemoveRuntime(kDocker, "{}", "runcvm");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("containers.conf: a table is appended, and removed again") {
  std::string in = "[engine]\n# a comment\ncgroup_manager = \"cgroupfs\"\n";
  std::string out = Added(kPodman, in);
  CHECK(out == in + "\n[engine.runtimes]\nruncvm = [\"/opt/runcvm/bin/runcvm-runtime\"]\n");
  CHECK(Removed(kPodman, out) == in);
  CHECK(Added(kPodman, "") == "[engine.runtimes]\nruncvm = [\"/opt/runcvm/bin/runcvm-runtime\"]\n");
  CHECK(SameConfig(kPodman, Removed(kPodman, Added(kPodman, "")), ""));
}

TEST_CASE("containers.conf: an existing table gets our line, other runtimes stay") {
  std::string in =
      "[engine]\nevents_logger = \"file\"\n\n[engine.runtimes]\ncrun = [\"/usr/bin/crun\"]\n\n"
      "[network]\nnetwork_backend = \"cni\"\n";
  std::string out = Added(kPodman, in);
  CHECK(out ==
        "[engine]\nevents_logger = \"file\"\n\n[engine.runtimes]\n"
        "runcvm = [\"/opt/runcvm/bin/runcvm-runtime\"]\ncrun = [\"/usr/bin/crun\"]\n\n"
        "[network]\nnetwork_backend = \"cni\"\n");
  CHECK(Removed(kPodman, out) == in);
  absl::StatusOr<std::optional<std::string>> again = AddRuntime(kPodman, out, "runcvm", kPath);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  // However it is spaced or commented, the same value is the same registration.
  std::string spaced = "[ engine.runtimes ]\n  runcvm=[ \"/opt/runcvm/bin/runcvm-runtime\" ] # ok\n";
  again = AddRuntime(kPodman, spaced, "runcvm", kPath);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());
  CHECK(Added(kPodman, "[engine.runtimes]\n  runcvm = [\"/old\"]\n") ==
        "[engine.runtimes]\n  runcvm = [\"/opt/runcvm/bin/runcvm-runtime\"]\n");
}

TEST_CASE("containers.conf: shapes we cannot edit safely are refused") {
  CHECK_FALSE(AddRuntime(kPodman, "[engine]\nruntimes = { crun = [\"/c\"] }\n", "runcvm", kPath).ok());
  CHECK_FALSE(AddRuntime(kPodman, "engine.runtimes.crun = [\"/c\"]\n", "runcvm", kPath).ok());
  CHECK_FALSE(
      AddRuntime(kPodman, "[engine.runtimes]\nruncvm = [\n  \"/x\",\n]\n", "runcvm", kPath).ok());
}

TEST_CASE("mountinfo: a bundle version is in use when it or a path below it is mounted") {
  std::string line = "812 790 254:0 /opt/runcvm.d/0.1-ab/kernels/debian/6.1/modules "
                     "/lib/modules/6.1 ro,relatime - ext4 /dev/vda rw";
  CHECK(MountinfoLineUses(line, "254:0", "/opt/runcvm.d/0.1-ab"));
  CHECK(MountinfoLineUses("1 2 254:0 /opt/runcvm.d/0.1-ab /opt/runcvm ro - ext4 /dev/vda rw",
                          "254:0", "/opt/runcvm.d/0.1-ab"));
  CHECK_FALSE(MountinfoLineUses(line, "254:1", "/opt/runcvm.d/0.1-ab"));
  CHECK_FALSE(MountinfoLineUses("1 2 254:0 /opt/runcvm.d/0.1-abc /x ro - ext4 /dev/vda rw",
                                "254:0", "/opt/runcvm.d/0.1-ab"));
}

}  // namespace
}  // namespace runcvm
