#include "common/qemu.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "catch2/catch.hpp"

namespace runcvm {
namespace {

QemuConfig BaseConfig() {
  QemuConfig c;
  c.accel = Accel::kTcg;
  c.cpus = 2;
  c.memory_mib = 256;
  c.kernel = "/k/vmlinuz";
  c.initrd = "/k/initrd";
  c.append = "console=hvc0 root=runcvmfs";
  c.virtiofs_socket = "/run/runcvm/virtiofs.sock";
  c.control_socket = "/run/runcvm/ctl.sock";
  return c;
}

// The value following `flag` whose text contains `needle` (QEMU takes repeated flags).
bool HasPair(const std::vector<std::string>& argv, std::string_view flag, std::string_view value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && argv[i + 1] == value) return true;
  }
  return false;
}

bool Has(const std::vector<std::string>& argv, std::string_view arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

TEST_CASE("QemuArgs: a TCG VM with the fixed devices") {
  auto argv = QemuArgs(BaseConfig());
  INFO(absl::StrJoin(argv, " "));
  CHECK(argv[0] == "/opt/runcvm/bin/qemu-system-x86_64");
  for (const char* flag : {"-nodefaults", "-no-user-config", "-no-reboot"}) CHECK(Has(argv, flag));
  CHECK(HasPair(argv, "-display", "none"));
  CHECK(HasPair(argv, "-machine", "q35,vmport=off,smbus=off,sata=off,usb=off"));
  CHECK(HasPair(argv, "-accel", "tcg,thread=multi"));
  CHECK(HasPair(argv, "-cpu", "max"));
  CHECK(HasPair(argv, "-L", "/opt/runcvm/share/qemu"));
  CHECK(HasPair(argv, "-smp", "2"));
  CHECK(HasPair(argv, "-m", "256M"));
  CHECK(HasPair(argv, "-object", "memory-backend-memfd,id=mem,size=256M,share=on"));
  CHECK(HasPair(argv, "-numa", "node,memdev=mem"));
  CHECK(HasPair(argv, "-chardev", "socket,id=virtiofs,path=/run/runcvm/virtiofs.sock"));
  CHECK(HasPair(argv, "-device", "vhost-user-fs-pci,chardev=virtiofs,tag=runcvmfs"));
  CHECK(HasPair(argv, "-device", "virtio-serial-pci,id=vser"));
  CHECK(HasPair(argv, "-chardev", "socket,id=ctl,path=/run/runcvm/ctl.sock"));
  CHECK(HasPair(argv, "-device", "virtserialport,bus=vser.0,chardev=ctl,name=runcvm.ctl"));
  CHECK(HasPair(argv, "-device", "isa-debug-exit,iobase=0x501,iosize=2"));
  CHECK(HasPair(argv, "-device", "virtio-rng-pci"));
  CHECK(HasPair(argv, "-device", "virtio-balloon-pci,free-page-reporting=on"));
  CHECK(HasPair(argv, "-kernel", "/k/vmlinuz"));
  CHECK(HasPair(argv, "-initrd", "/k/initrd"));
  CHECK(HasPair(argv, "-append", "console=hvc0 root=runcvmfs"));
  // No console, NIC or disk unless asked for.
  CHECK_FALSE(Has(argv, "virtconsole,bus=vser.0,chardev=console"));
  CHECK_FALSE(Has(argv, "-netdev"));
  CHECK_FALSE(Has(argv, "-drive"));
}

TEST_CASE("QemuArgs: the curses display shows a standard VGA card") {
  QemuConfig c = BaseConfig();
  CHECK_FALSE(Has(QemuArgs(c), "-vga"));
  c.display = "curses";
  c.vga = "std";
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-display", "curses"));
  CHECK_FALSE(HasPair(argv, "-display", "none"));
  CHECK(HasPair(argv, "-vga", "std"));
  // After -nodefaults, which would otherwise drop the card.
  auto at = [&](std::string_view arg) { return std::find(argv.begin(), argv.end(), arg); };
  CHECK(at("-nodefaults") < at("-vga"));
}

TEST_CASE("CursesEnvironment: terminfo, the CP437 converter and the locale from the bundle") {
  CHECK(CursesEnvironment("/opt/runcvm", "screen") ==
        std::vector<std::string>{"TERM=screen", "TERMINFO=/opt/runcvm/share/terminfo",
                                 "GCONV_PATH=/opt/runcvm/lib/gconv",
                                 "LOCPATH=/opt/runcvm/lib/locale", "LC_ALL=C.UTF-8"});
  // No TERM in the container's env (docker run -t always sets one unless -e TERM=): xterm.
  CHECK(CursesEnvironment("/b", "")[0] == "TERM=xterm");
}

TEST_CASE("QemuArgs: KVM uses the host CPU") {
  QemuConfig c = BaseConfig();
  c.accel = Accel::kKvm;
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-accel", "kvm"));
  CHECK(HasPair(argv, "-cpu", "host"));
  CHECK_FALSE(HasPair(argv, "-cpu", "max"));
}

TEST_CASE("QemuArgs: TCG translation cache size") {
  QemuConfig c = BaseConfig();
  c.tcg_tb_size_mib = 128;
  CHECK(HasPair(QemuArgs(c), "-accel", "tcg,thread=multi,tb-size=128"));
}

TEST_CASE("QemuArgs: a staged bundle runs QEMU through its loader") {
  QemuConfig c = BaseConfig();
  c.loader = "/stage/lib/ld-linux-x86-64.so.2";
  c.qemu_binary = "/stage/bin/qemu-system-x86_64";
  auto argv = QemuArgs(c);
  CHECK(argv[0] == "/stage/lib/ld-linux-x86-64.so.2");
  CHECK(argv[1] == "/stage/bin/qemu-system-x86_64");
}

TEST_CASE("QemuArgs: console on hvc0, before the control port") {
  QemuConfig c = BaseConfig();
  c.console_path = "/dev/fd/3";
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-chardev", "file,id=console,path=/dev/fd/3,append=on"));
  auto console = std::find(argv.begin(), argv.end(), "virtconsole,bus=vser.0,chardev=console");
  auto ctl = std::find(argv.begin(), argv.end(),
                       "virtserialport,bus=vser.0,chardev=ctl,name=runcvm.ctl");
  REQUIRE(console != argv.end());
  CHECK(console < ctl);
}

TEST_CASE("QemuArgs: NICs by fd or by name, without option ROMs") {
  QemuConfig c = BaseConfig();
  c.nics = {{.tap_fd = 5, .mac = "52:54:00:12:34:56"}, {.ifname = "tap-eth1", .mac = ""}};
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-netdev", "tap,id=net0,fd=5"));
  CHECK(HasPair(argv, "-device", "virtio-net-pci,netdev=net0,romfile=,mac=52:54:00:12:34:56"));
  CHECK(HasPair(argv, "-netdev", "tap,id=net1,ifname=tap-eth1,script=no,downscript=no"));
  CHECK(HasPair(argv, "-device", "virtio-net-pci,netdev=net1,romfile="));
}

TEST_CASE("QemuArgs: disks, with commas escaped") {
  QemuConfig c = BaseConfig();
  c.disks = {{.path = "/disks/a,b.img", .serial = "data"},
             {.path = "/disks/ro.qcow2", .format = "qcow2", .read_only = true}};
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-drive",
                "file=/disks/a,,b.img,format=raw,if=none,id=disk0,cache=writeback"));
  CHECK(HasPair(argv, "-device", "virtio-blk-pci,drive=disk0,serial=data"));
  CHECK(HasPair(argv, "-drive",
                "file=/disks/ro.qcow2,format=qcow2,if=none,id=disk1,cache=writeback,readonly=on"));
  CHECK(HasPair(argv, "-device", "virtio-blk-pci,drive=disk1"));
}

TEST_CASE("QemuArgs: SeaBIOS's debug port only with RUNCVM_BIOS_DEBUG") {
  QemuConfig c = BaseConfig();
  CHECK_FALSE(Has(QemuArgs(c), "isa-debugcon,iobase=0x402,chardev=bios"));
  c.bios_debug_path = "/proc/self/fd/2";
  auto argv = QemuArgs(c);
  CHECK(HasPair(argv, "-chardev", "file,id=bios,path=/proc/self/fd/2,append=on"));
  CHECK(HasPair(argv, "-device", "isa-debugcon,iobase=0x402,chardev=bios"));
}

TEST_CASE("QemuOptValue doubles commas") {
  CHECK(QemuOptValue("/a,b,,c") == "/a,,b,,,,c");
  CHECK(QemuOptValue("plain") == "plain");
}

TEST_CASE("ChooseAccelerator") {
  SECTION("tcg is always available") { CHECK(*ChooseAccelerator("tcg", "/nonexistent") == Accel::kTcg); }
  SECTION("auto falls back to tcg") { CHECK(*ChooseAccelerator("auto", "/nonexistent") == Accel::kTcg); }
  SECTION("a device that is not KVM is unusable") {
    CHECK(*ChooseAccelerator("", "/dev/null") == Accel::kTcg);
  }
  SECTION("forced kvm without KVM is an error") {
    auto st = ChooseAccelerator("kvm", "/nonexistent").status();
    CHECK_FALSE(st.ok());
    // Why it is unusable depends on the host (no vendor module, or no device): only the prefix.
    CHECK(absl::StartsWith(st.message(), "RUNCVM_ACCEL=kvm but KVM is unusable: "));
  }
  SECTION("unknown values are refused") {
    CHECK(ChooseAccelerator("hvf").status().code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace runcvm
