#include "common/image_kernel.h"

#include <string>

#include "catch2/catch.hpp"

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

}  // namespace
}  // namespace runcvm
