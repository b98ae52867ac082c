#include "common/image_kernel.h"

#include <stdlib.h>

#include <string>

#include "absl/strings/match.h"
#include "catch2/catch.hpp"
#include "common/fd.h"

namespace runcvm {
namespace {

TEST_CASE("image_kernel: os-release ID") {
  CHECK(ParseOsReleaseId("NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n") == "debian");
  CHECK(ParseOsReleaseId("ID=\"ubuntu\"\nID_LIKE=debian\n") == "ubuntu");
  CHECK(ParseOsReleaseId("ID_LIKE=debian\n") == "");
  CHECK(InImageKernelPaths("debian")->kernel == "/vmlinuz");
  CHECK(InImageKernelPaths("alpine")->initrd == "/boot/initramfs-virt");
  CHECK_FALSE(InImageKernelPaths("fedora").has_value());
}

TEST_CASE("image_kernel: the release from a bzImage header") {
  std::string head(0x4000, '\0');
  head.replace(0x202, 4, "HdrS");
  uint16_t offset = 0x3000;
  head[0x20e] = static_cast<char>(offset & 0xff);
  head[0x20f] = static_cast<char>(offset >> 8);
  std::string version = "6.1.0-56-amd64 (debian-kernel@lists.debian.org) #1 SMP";
  head.replace(0x3200, version.size(), version);
  CHECK(BzImageRelease(head) == "6.1.0-56-amd64");
  CHECK(BzImageRelease(head.substr(0, 0x3100)) == "");
  head.replace(0x202, 4, "XXXX");
  CHECK(BzImageRelease(head) == "");
}

TEST_CASE("image_kernel: newc entries are aligned") {
  std::string a;
  AppendNewcEntry(&a, "lib", 040755, "");
  CHECK(a.substr(0, 6) == "070701");
  CHECK(a.size() % 4 == 0);
  AppendNewcEntry(&a, "lib/x", 0100644, "abc");
  CHECK(a.size() % 4 == 0);
  CHECK(a.find("abc") != std::string::npos);
  AppendNewcTrailer(&a);
  CHECK(a.size() % 512 == 0);
  CHECK(a.find("TRAILER!!!") != std::string::npos);
}

TEST_CASE("image_kernel: the initrd gets the listed modules, their dependencies and modules.dep") {
  char tmpl[] = "/tmp/runcvm-image-kernel-test.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string mods = dir + "/lib/modules/6.1.0-9-amd64";
  REQUIRE(system(("mkdir -p " + mods + "/kernel/fs/fuse " + mods + "/kernel/net").c_str()) == 0);
  REQUIRE(WriteFile(mods + "/modules.dep",
                    "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko\n"
                    "kernel/fs/fuse/fuse.ko:\nkernel/net/unused.ko:\n")
              .ok());
  REQUIRE(WriteFile(mods + "/kernel/fs/fuse/virtiofs.ko", "VIRTIOFS").ok());
  REQUIRE(WriteFile(mods + "/kernel/fs/fuse/fuse.ko", "FUSE").ok());
  REQUIRE(WriteFile(mods + "/kernel/net/unused.ko", "UNUSED").ok());
  REQUIRE(WriteFile(dir + "/list", "virtiofs\next4\n").ok());  // ext4: built in, skipped
  REQUIRE(WriteFile(dir + "/base", "BASE").ok());
  REQUIRE(BuildImageKernelInitrd(dir + "/base", mods, dir + "/list", "6.1.0-9-amd64",
                                 dir + "/out")
              .ok());
  absl::StatusOr<std::string> out = ReadFile(dir + "/out");
  REQUIRE(out.ok());
  CHECK(out->substr(0, 4) == "BASE");
  CHECK(out->find("lib/modules/6.1.0-9-amd64/modules.dep") != std::string::npos);
  CHECK(out->find("VIRTIOFS") != std::string::npos);
  CHECK(out->find("FUSE") != std::string::npos);
  CHECK(out->find("FUSE") < out->find("VIRTIOFS"));
  CHECK(out->find("UNUSED") == std::string::npos);
  CHECK((out->size() - 4) % 512 == 0);  // the base (4 bytes), then an archive padded to 512
  // A module tree without modules.dep is named in the error.
  REQUIRE(system(("rm " + mods + "/modules.dep").c_str()) == 0);
  absl::Status missing = BuildImageKernelInitrd(dir + "/base", mods, dir + "/list",
                                                "6.1.0-9-amd64", dir + "/out");
  CHECK(absl::StrContains(missing.message(), "modules.dep"));
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

}  // namespace
}  // namespace runcvm
