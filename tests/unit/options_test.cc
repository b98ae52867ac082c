#include "common/options.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

absl::StatusOr<RuncvmOptions> Parse(std::vector<std::string> env) { return ParseOptions(env); }

std::string ErrorOf(std::vector<std::string> env) {
  absl::StatusOr<RuncvmOptions> o = ParseOptions(env);
  return o.ok() ? "ok" : std::string(o.status().message());
}

TEST_CASE("options: defaults when no RUNCVM_* is set") {
  absl::StatusOr<RuncvmOptions> o = Parse({"PATH=/bin", "HOME=/root", "RUNCVMX=1"});
  REQUIRE(o.ok());
  CHECK(o->kernel.empty());
  CHECK(o->accel == "auto");
  CHECK_FALSE(o->kernel_debug);
  CHECK_FALSE(o->init);
  CHECK_FALSE(o->runtime_debug);
}

TEST_CASE("options: the runtime's own options are parsed") {
  absl::StatusOr<RuncvmOptions> o =
      Parse({"RUNCVM_KERNEL=debian/6.1.0-28-cloud-amd64", "RUNCVM_KERNEL_APPEND=apparmor=0 x=y",
             "RUNCVM_KERNEL_DEBUG=1", "RUNCVM_ACCEL=tcg", "RUNCVM_KERNEL_MOUNT_LIB_MODULES=true",
             "RUNCVM_INIT=yes", "RUNCVM_RUNTIME_DEBUG=on"});
  REQUIRE(o.ok());
  CHECK(o->kernel == "debian/6.1.0-28-cloud-amd64");
  CHECK(o->kernel_append == "apparmor=0 x=y");
  CHECK(o->kernel_debug);
  CHECK(o->accel == "tcg");
  CHECK(o->kernel_mount_lib_modules);
  CHECK(o->init);
  CHECK(o->runtime_debug);
}

TEST_CASE("options: the last entry wins and an empty value is the default") {
  absl::StatusOr<RuncvmOptions> o = Parse({"RUNCVM_ACCEL=xen", "RUNCVM_ACCEL=kvm"});
  REQUIRE(o.ok());
  CHECK(o->accel == "kvm");
  o = Parse({"RUNCVM_ACCEL=", "RUNCVM_KERNEL=", "RUNCVM_QEMU_DISPLAY="});
  REQUIRE(o.ok());
  CHECK(o->accel == "auto");
  CHECK(o->kernel.empty());
}

TEST_CASE("options: RUNCVM_BOOT_TIMEOUT is a whole number of seconds") {
  CHECK(Parse({})->boot_timeout_s == kDefaultBootTimeoutSeconds);
  CHECK(Parse({"RUNCVM_BOOT_TIMEOUT=45"})->boot_timeout_s == 45);
  CHECK(Parse({"RUNCVM_BOOT_TIMEOUT=86400"})->boot_timeout_s == 86400);
  for (std::string bad : {"0", "-5", "1.5", "+3", "86401", "soon", "99999999999"}) {
    CAPTURE(bad);
    CHECK(ErrorOf({"RUNCVM_BOOT_TIMEOUT=" + bad}) ==
          "invalid RUNCVM_BOOT_TIMEOUT=" + bad +
              ": expected a whole number of seconds from 1 to 86400");
  }
}

TEST_CASE("options: errors name the variable and what is expected") {
  CHECK(ErrorOf({"RUNCVM_ACCEL=xen"}) ==
        "invalid RUNCVM_ACCEL=xen: expected one of auto, kvm, tcg");
  CHECK(ErrorOf({"RUNCVM_KERNEL_DEBUG=maybe"}) ==
        "invalid RUNCVM_KERNEL_DEBUG=maybe: expected 1 or 0 (or true/false, yes/no, on/off)");
  CHECK(ErrorOf({"RUNCVM_KERNEL_DEBUGG=1"}) ==
        "unknown option RUNCVM_KERNEL_DEBUGG=1 (not a RunCVM option; did you mean "
        "RUNCVM_KERNEL_DEBUG?)");
  CHECK(ErrorOf({"RUNCVM_FROBNICATE=1"}) ==
        "unknown option RUNCVM_FROBNICATE=1 (not a RunCVM option)");
  CHECK(ErrorOf({"RUNCVM_QEMU_DISPLAY=gtk"}) ==
        "invalid RUNCVM_QEMU_DISPLAY=gtk: expected one of none, curses");
  CHECK(ErrorOf({"RUNCVM_QEMU_VGA=std"}) ==
        "RUNCVM_QEMU_VGA=std: not supported by this version (accepted: none)");
  CHECK(ErrorOf({"RUNCVM_BIOS=EFI"}) == "RUNCVM_BIOS=EFI: not supported by this version");
  CHECK(ErrorOf({"RUNCVM_QEMU_USB=off", "RUNCVM_DISPLAY_MODE=headless", "RUNCVM_CGROUPFS=2"}) ==
        "ok");
  CHECK(ErrorOf({"RUNCVM_CGROUPFS=3"}) ==
        "invalid RUNCVM_CGROUPFS=3: expected one of none, systemd, 1, cgroup1, 2, cgroup2, "
        "hybrid, mixed");
  CHECK(ErrorOf({"RUNCVM_BREAK=prenet,later"}) ==
        "invalid RUNCVM_BREAK=prenet,later: expected one of prenet, postnet, preqemu "
        "(comma-separated)");
  CHECK(ErrorOf({"RUNCVM_KERNEL_APPEND=a\nb"}) ==
        "invalid RUNCVM_KERNEL_APPEND=a\nb: expected printable text (no newlines or control "
        "characters)");
}

TEST_CASE("options: RUNCVM_KERNEL cannot climb out of the kernels directory") {
  CHECK(ErrorOf({"RUNCVM_KERNEL=debian"}) == "ok");
  CHECK(ErrorOf({"RUNCVM_KERNEL=alpine/6.6.1-0-virt"}) == "ok");
  for (std::string bad : {"../etc", "debian/..", "debian/../../x", "Debian", "debian/a/b",
                          "/debian", "debian/", "debian/a b"}) {
    INFO(bad);
    CHECK(ErrorOf({"RUNCVM_KERNEL=" + bad}) ==
          "invalid RUNCVM_KERNEL=" + bad +
              ": expected <dist>[/<version>], e.g. debian or debian/6.1.0-28-cloud-amd64");
  }
}

TEST_CASE("options: RUNCVM_DISKS syntax") {
  CHECK(ErrorOf({"RUNCVM_DISKS=/disk1,/home,ext4,5G"}) == "ok");
  CHECK(ErrorOf({"RUNCVM_DISKS=/disks/d1,/home,ext4,5G;/disks/d2,/opt,ext3"}) == "ok");
  CHECK(ErrorOf({"RUNCVM_DISKS=/disk1,/home"}) ==
        "invalid RUNCVM_DISKS=/disk1,/home: disk 1 ('/disk1,/home'): missing <filesystem> (want "
        "<src>,<dst>,<filesystem>[,<size>])");
  CHECK(ErrorOf({"RUNCVM_DISKS=/d,/home,btrfs"}) ==
        "invalid RUNCVM_DISKS=/d,/home,btrfs: disk 1 ('/d,/home,btrfs'): filesystem 'btrfs' is "
        "not one of ext2, ext3, ext4");
  absl::StatusOr<RuncvmOptions> o = Parse({"RUNCVM_DISKS=/disks/d1,/home,ext4,5G;/d2,/opt,ext2"});
  REQUIRE(o.ok());
  REQUIRE(o->disks.size() == 2);
  CHECK(o->disks[0].src == "/disks/d1");
  CHECK(o->disks[0].size_bytes == int64_t{5} << 30);
  CHECK(o->disks[1].fs == "ext2");
  CHECK(o->disks[1].size_bytes == 0);
}

TEST_CASE("options: the options with an effect in the VM are parsed") {
  absl::StatusOr<RuncvmOptions> o = Parse(
      {"RUNCVM_BREAK=preqemu,prenet,preqemu", "RUNCVM_BIOS_DEBUG=1", "RUNCVM_SYS_ADMIN=yes"});
  REQUIRE(o.ok());
  CHECK(o->breaks == std::vector<std::string>{"preqemu", "prenet"});
  CHECK(o->bios_debug);
  CHECK(o->sys_admin);
}

TEST_CASE("options: RUNCVM_QEMU_DISPLAY") {
  absl::StatusOr<RuncvmOptions> o = Parse({});
  REQUIRE(o.ok());
  CHECK(o->qemu_display == "none");
  o = Parse({"RUNCVM_QEMU_DISPLAY=curses"});
  REQUIRE(o.ok());
  CHECK(o->qemu_display == "curses");
  o = Parse({"RUNCVM_QEMU_DISPLAY=curses", "RUNCVM_QEMU_DISPLAY="});
  REQUIRE(o.ok());
  CHECK(o->qemu_display == "none");
}

TEST_CASE("options: booleans") {
  for (const char* t : {"1", "true", "TRUE", "yes", "on"}) CHECK(ParseBoolOption(t) == true);
  for (const char* f : {"0", "false", "no", "off", ""}) CHECK(ParseBoolOption(f) == false);
  CHECK_FALSE(ParseBoolOption("2").has_value());
}

TEST_CASE("options: the table is sorted and covers the documented options") {
  std::span<const OptionInfo> known = KnownOptions();
  for (size_t i = 1; i < known.size(); ++i) CHECK(known[i - 1].name < known[i].name);
  for (std::string name : {"RUNCVM_KERNEL", "RUNCVM_KERNEL_APPEND", "RUNCVM_KERNEL_DEBUG",
                           "RUNCVM_KERNEL_MOUNT_LIB_MODULES", "RUNCVM_DISKS", "RUNCVM_QEMU_DISPLAY",
                           "RUNCVM_BIOS_DEBUG", "RUNCVM_SYS_ADMIN", "RUNCVM_BREAK", "RUNCVM_ACCEL",
                           "RUNCVM_RUNTIME_DEBUG", "RUNCVM_CGROUPFS", "RUNCVM_VIRTIOFSD_CACHE"}) {
    INFO(name);
    CHECK(std::any_of(known.begin(), known.end(),
                      [&](const OptionInfo& o) { return o.name == name; }));
  }
}

TEST_CASE("options: EnvValue takes the last entry") {
  std::vector<std::string> env = {"A=1", "AB=2", "A=3", "B"};
  CHECK(EnvValue(env, "A") == "3");
  CHECK(EnvValue(env, "AB") == "2");
  CHECK_FALSE(EnvValue(env, "B").has_value());
  CHECK_FALSE(EnvValue(env, "C").has_value());
}

}  // namespace
}  // namespace runcvm
