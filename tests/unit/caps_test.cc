#include "common/caps.h"

#include "catch2/catch.hpp"
#include "common/json.h"

namespace runcvm {
namespace {

TEST_CASE("capability names resolve to numbers, sorted and unique") {
  CapabilitySets sets;
  sets.bounding = {"CAP_NET_BIND_SERVICE", "CAP_CHOWN", "CAP_CHOWN", "cap_kill"};
  sets.effective = {"CAP_SYS_ADMIN"};
  sets.ambient = {"CAP_NET_BIND_SERVICE"};
  ResolvedCapabilities r = ResolveCapabilities(sets, CAP_LAST_CAP + 1);
  CHECK(r.bounding == std::vector<cap_value_t>{CAP_CHOWN, CAP_KILL, CAP_NET_BIND_SERVICE});
  CHECK(r.effective == std::vector<cap_value_t>{CAP_SYS_ADMIN});
  CHECK(r.permitted.empty());
  CHECK(r.inheritable.empty());
  CHECK(r.ambient == std::vector<cap_value_t>{CAP_NET_BIND_SERVICE});
  CHECK(r.ignored.empty());
}

TEST_CASE("unknown names and caps the kernel lacks are ignored, as runc does") {
  CapabilitySets sets;
  sets.bounding = {"CAP_CHOWN", "CAP_BOGUS", "CAP_CHECKPOINT_RESTORE"};
  sets.permitted = {"CAP_BOGUS"};
  // A kernel with 38 capabilities (5.4) has no CAP_CHECKPOINT_RESTORE (40).
  ResolvedCapabilities r = ResolveCapabilities(sets, 38);
  CHECK(r.bounding == std::vector<cap_value_t>{CAP_CHOWN});
  CHECK(r.ignored == std::vector<std::string>{"CAP_BOGUS", "CAP_CHECKPOINT_RESTORE"});
}

TEST_CASE("Docker 20.10's process object for -u 1000 resolves to runc's CapBnd a80425fb") {
  // Verbatim from config.json of `docker run -u 1000:1000 --group-add 1234` on this machine.
  absl::StatusOr<Json> j =
      ParseJson(R"({"user":{"uid":1000,"gid":1000,"additionalGids":[1000,1234]},
    "args":["sh"],"env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "cwd":"/work","capabilities":{"bounding":["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID",
    "CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]},
    "rlimits":[{"type":"RLIMIT_NOFILE","hard":2048,"soft":1024}],"noNewPrivileges":true,
    "oomScoreAdj":0})",
                "docker process");
  REQUIRE(j.ok());
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*j);
  REQUIRE(spec.ok());
  CHECK(spec->additional_gids == std::vector<uint32_t>{1000, 1234});
  ResolvedCapabilities r = ResolveCapabilities(spec->capabilities, CAP_LAST_CAP + 1);
  uint64_t mask = 0;
  for (cap_value_t c : r.bounding) mask |= uint64_t{1} << c;
  CHECK(mask == 0xa80425fb);  // CapBnd under runc, from /proc/self/status
  CHECK(r.effective.empty());
  CHECK(r.permitted.empty());
  CHECK(r.ignored.empty());
}

}  // namespace
}  // namespace runcvm
