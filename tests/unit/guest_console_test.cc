// RUNCVM_QEMU_DISPLAY=curses in the guest: the launch spec's display, and the workload's TERM on
// the VM's console.
#include "catch2/catch.hpp"
#include "common/guest_agent.h"
#include "common/json.h"
#include "common/launch_spec.h"
#include "common/process_spec.h"

namespace runcvm {
namespace {

Json MinimalSpec() {
  return Json{{"process", Json{{"args", Json::array({"sh"})}, {"terminal", true}}},
              {"vm", Json{{"kernel", "/k/vmlinuz"}}}};
}

TEST_CASE("launch spec: vm.display") {
  absl::StatusOr<LaunchSpec> spec = ParseLaunchSpec(MinimalSpec());
  REQUIRE(spec.ok());
  CHECK(spec->vm.display == "none");
  CHECK_FALSE(spec->vm.curses());

  Json doc = MinimalSpec();
  doc["vm"]["display"] = "curses";
  spec = ParseLaunchSpec(doc);
  REQUIRE(spec.ok());
  CHECK(spec->vm.curses());

  doc["vm"]["display"] = "gtk";
  spec = ParseLaunchSpec(doc);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.status().message() == "launch spec: vm.display: unknown display 'gtk'");
}

TEST_CASE("UseConsoleTerm: the workload on the VGA console gets TERM=linux") {
  ProcessSpec spec;
  spec.args = {"sh"};
  spec.env = {"PATH=/bin", "TERM=xterm", "A=1", "TERM=screen"};
  UseConsoleTerm(spec);
  CHECK(spec.env == std::vector<std::string>{"PATH=/bin", "A=1", "TERM=linux"});
  // Added when the container had none.
  spec.env = {"PATH=/bin", "TERMINAL=x"};
  UseConsoleTerm(spec);
  CHECK(spec.env == std::vector<std::string>{"PATH=/bin", "TERMINAL=x", "TERM=linux"});
}

}  // namespace
}  // namespace runcvm
