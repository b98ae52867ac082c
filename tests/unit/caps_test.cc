#include "common/caps.h"

#include "catch2/catch.hpp"

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

}  // namespace
}  // namespace runcvm
