#include "common/applet.h"

#include "applets/applets.h"
#include "catch2/catch.hpp"

namespace runcvm {
namespace {

TEST_CASE("applet names come from argv[0], with or without the runcvm- prefix") {
  CHECK(AppletNameFromArgv0("/opt/runcvm/bin/runcvm-init") == "init");
  CHECK(AppletNameFromArgv0("init") == "init");
  CHECK(AppletNameFromArgv0("./qemu-exit") == "qemu-exit");
  CHECK(AppletNameFromArgv0("/usr/bin/runcvm") == "runcvm");
  CHECK(AppletNameFromArgv0("runcvm-") == "");
}

TEST_CASE("the applet table is sorted and complete") {
  std::span<const Applet> table = AllApplets();
  CHECK(IsSortedByName(table));
  for (std::string_view name : {"ctr-entrypoint", "ctr-exec", "disk-prep", "init", "initramfs",
                                "qemu-exit", "runtime", "vm-init", "vm-start"}) {
    const Applet* applet = FindApplet(table, name);
    REQUIRE(applet != nullptr);
    CHECK(applet->name == name);
    CHECK(!applet->summary.empty());
    CHECK(applet->usage.find("Usage:") != std::string_view::npos);
  }
  CHECK(FindApplet(table, "nosuch") == nullptr);
  CHECK(FindApplet(table, "") == nullptr);
}

TEST_CASE("an unknown applet exits 127") {
  char arg0[] = "runcvm";
  char arg1[] = "nosuch";
  char* argv[] = {arg0, arg1, nullptr};
  CHECK(Dispatch(AllApplets(), 2, argv) == 127);
  char link[] = "/x/runcvm-nosuch";
  char* argv2[] = {link, nullptr};
  CHECK(Dispatch(AllApplets(), 1, argv2) == 127);
}

}  // namespace
}  // namespace runcvm
