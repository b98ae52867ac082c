#include "common/initramfs.h"

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

TEST_CASE("SplitKernelCmdline honours double quotes") {
  CHECK(SplitKernelCmdline(" a  b=\"c d\" \"e f\"\n") ==
        std::vector<std::string>{"a", "b=c d", "e f"});
  CHECK(SplitKernelCmdline("").empty());
}

TEST_CASE("ParseBootParams: the bundled kernel's command line") {
  BootParams p = ParseBootParams(
      "rdinit=/runcvm-initramfs root=runcvmfs rootfstype=virtiofs rw "
      "init=/opt/runcvm/bin/runcvm-vm-init console=hvc0 quiet panic=-1\n");
  CHECK(p.root == "runcvmfs");
  CHECK(p.rootfstype == "virtiofs");
  CHECK_FALSE(p.read_only);
  CHECK(p.init == "/opt/runcvm/bin/runcvm-vm-init");
  CHECK(p.init_args.empty());
}

TEST_CASE("ParseBootParams: defaults, ro, rootflags and init arguments") {
  BootParams p = ParseBootParams("root=fs rw ro rootflags=dax -- -x \"two words\"");
  CHECK(p.read_only);
  CHECK(p.rootfstype == "virtiofs");
  CHECK(p.rootflags == "dax");
  CHECK(p.init == std::string(kDefaultVmInit));
  CHECK(p.init_args == std::vector<std::string>{"-x", "two words"});
}

}  // namespace
}  // namespace runcvm
