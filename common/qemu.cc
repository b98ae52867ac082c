#include "common/qemu.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/fd.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {

std::string_view AccelName(Accel accel) { return accel == Accel::kKvm ? "kvm" : "tcg"; }

namespace {

// KVM needs a hardware vendor module to run an ordinary guest kernel. Some cloud sandboxes offer
// /dev/kvm from kvm_pvm (Pagetable-based Virtual Machine, no VT-x/AMD-V), which runs only
// PVM-enabled guest kernels: QEMU then aborts ("failed to set MSR 0x10a") or the guest hangs,
// though /dev/kvm opens and answers KVM_GET_API_VERSION.
absl::Status ProbeKvmVendorModule(const std::string& sys_module_dir) {
  for (const char* vendor : {"kvm_intel", "kvm_amd"}) {
    if (PathExists(absl::StrCat(sys_module_dir, "/", vendor))) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "no hardware KVM module (kvm_intel or kvm_amd) is loaded");
}

}  // namespace

absl::Status ProbeKvm(const std::string& device) {
  RETURN_IF_ERROR(ProbeKvmVendorModule("/sys/module"));
  UniqueFd fd(open(device.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("open ", device));
  int version = ioctl(fd.get(), KVM_GET_API_VERSION, 0);
  if (version < 0) return ErrnoError(errno, absl::StrCat("KVM_GET_API_VERSION on ", device));
  if (version != KVM_API_VERSION) {
    return absl::FailedPreconditionError(
        absl::StrCat(device, ": KVM API version ", version, ", want ", KVM_API_VERSION));
  }
  return absl::OkStatus();
}

std::string QemuOptValue(std::string_view value) {
  std::string out;
  for (char ch : value) {
    out.push_back(ch);
    if (ch == ',') out.push_back(',');
  }
  return out;
}

absl::StatusOr<Accel> ChooseAccelerator(std::string_view requested, const std::string& kvm_device) {
  if (requested == "tcg") {
    LogInfo("accelerator: tcg (RUNCVM_ACCEL=tcg)");
    return Accel::kTcg;
  }
  if (requested != "auto" && requested != "" && requested != "kvm") {
    return absl::InvalidArgumentError(
        absl::StrCat("RUNCVM_ACCEL='", requested, "': want auto, kvm or tcg"));
  }
  absl::Status kvm = ProbeKvm(kvm_device);
  if (kvm.ok()) {
    LogInfo("accelerator: kvm");
    return Accel::kKvm;
  }
  if (requested == "kvm") return Annotate(kvm, "RUNCVM_ACCEL=kvm but KVM is unusable");
  LogWarning(absl::StrCat("no usable KVM (", kvm.message(),
                          "): the VM runs under TCG emulation, much slower"));
  return Accel::kTcg;
}

std::vector<std::string> QemuArgs(const QemuConfig& c) {
  std::vector<std::string> a;
  auto add = [&a](std::initializer_list<std::string> args) { a.insert(a.end(), args); };
  if (!c.loader.empty()) a.push_back(c.loader);
  a.push_back(c.qemu_binary);

  // A headless q35 without the legacy devices nobody here uses; -nodefaults drops the default
  // NIC, VGA, serial, parallel and monitor, -no-reboot turns a guest reboot into QEMU's exit.
  // The curses display adds a VGA card back: its text mode is what curses shows.
  add({"-nodefaults", "-no-user-config", "-display", c.display, "-no-reboot"});
  if (!c.vga.empty()) add({"-vga", c.vga});
  add({"-machine", "q35,vmport=off,smbus=off,sata=off,usb=off"});
  if (c.accel == Accel::kKvm) {
    add({"-accel", "kvm", "-cpu", "host"});
  } else {
    std::string tcg = "tcg,thread=multi";
    if (c.tcg_tb_size_mib > 0) absl::StrAppend(&tcg, ",tb-size=", c.tcg_tb_size_mib);
    add({"-accel", tcg, "-cpu", "max"});
  }
  if (!c.firmware_dir.empty()) add({"-L", c.firmware_dir});
  add({"-smp", absl::StrCat(c.cpus), "-m", absl::StrCat(c.memory_mib, "M")});
  // vhost-user-fs needs guest RAM virtiofsd can map: a shared memfd, attached as NUMA node 0.
  add({"-object", absl::StrCat("memory-backend-memfd,id=mem,size=", c.memory_mib, "M,share=on"),
       "-numa", "node,memdev=mem"});

  add({"-chardev", absl::StrCat("socket,id=virtiofs,path=", QemuOptValue(c.virtiofs_socket)), "-device",
       absl::StrCat("vhost-user-fs-pci,chardev=virtiofs,tag=", kVirtiofsTag)});

  // One virtio-serial controller: the console first, so it is hvc0, then the control port.
  add({"-device", "virtio-serial-pci,id=vser"});
  if (!c.console_path.empty()) {
    // append=on: QEMU would otherwise truncate it, which loses what is there when the path is
    // a /proc/self/fd/N that leads to a log file.
    add({"-chardev", absl::StrCat("file,id=console,path=", QemuOptValue(c.console_path), ",append=on"),
         "-device", "virtconsole,bus=vser.0,chardev=console"});
  }
  add({"-chardev", absl::StrCat("socket,id=ctl,path=", QemuOptValue(c.control_socket)), "-device",
       absl::StrCat("virtserialport,bus=vser.0,chardev=ctl,name=", protocol::kPortName)});

  // The guest's exit code channel (qemu-exit): a write to port 0x501 ends QEMU.
  add({"-device", "isa-debug-exit,iobase=0x501,iosize=2"});
  if (!c.serial_path.empty()) {
    add({"-chardev",
         absl::StrCat("file,id=serial,path=", QemuOptValue(c.serial_path), ",append=on"),
         "-serial", "chardev:serial"});
  }
  if (!c.bios_debug_path.empty()) {
    // SeaBIOS writes its debug log to I/O port 0x402 (CONFIG_DEBUG_IO), QEMU's isa-debugcon.
    add({"-chardev",
         absl::StrCat("file,id=bios,path=", QemuOptValue(c.bios_debug_path), ",append=on"),
         "-device", "isa-debugcon,iobase=0x402,chardev=bios"});
  }
  add({"-device", "virtio-rng-pci"});
  // Free page reporting: the guest tells QEMU which pages it has freed (in 2 MiB blocks, a few
  // seconds after), QEMU punches them out of the memfd, and the host gets them back. The balloon
  // is never inflated; it is only the reporting channel.
  add({"-device", "virtio-balloon-pci,free-page-reporting=on"});

  for (size_t i = 0; i < c.nics.size(); ++i) {
    const QemuNic& nic = c.nics[i];
    std::string id = absl::StrCat("net", i);
    std::string netdev = nic.tap_fd >= 0 ? absl::StrCat("tap,id=", id, ",fd=", nic.tap_fd)
                                         : absl::StrCat("tap,id=", id, ",ifname=", QemuOptValue(nic.ifname),
                                                        ",script=no,downscript=no");
    // romfile= : no iPXE option ROM; the kernel is loaded directly.
    std::string device = absl::StrCat("virtio-net-pci,netdev=", id, ",romfile=");
    if (!nic.mac.empty()) absl::StrAppend(&device, ",mac=", nic.mac);
    add({"-netdev", netdev, "-device", device});
  }
  for (size_t i = 0; i < c.disks.size(); ++i) {
    const QemuDisk& disk = c.disks[i];
    std::string id = absl::StrCat("disk", i);
    std::string drive = absl::StrCat("file=", QemuOptValue(disk.path), ",format=", disk.format, ",if=none,id=",
                                     id, ",cache=writeback");
    if (disk.read_only) absl::StrAppend(&drive, ",readonly=on");
    std::string device = absl::StrCat("virtio-blk-pci,drive=", id);
    if (!disk.serial.empty()) absl::StrAppend(&device, ",serial=", QemuOptValue(disk.serial));
    add({"-drive", drive, "-device", device});
  }

  add({"-kernel", c.kernel});
  if (!c.initrd.empty()) add({"-initrd", c.initrd});
  if (!c.append.empty()) add({"-append", c.append});
  return a;
}

std::vector<std::string> CursesEnvironment(std::string_view bundle, std::string_view term) {
  return {absl::StrCat("TERM=", term.empty() ? "xterm" : term),
          absl::StrCat("TERMINFO=", bundle, "/share/terminfo"),
          absl::StrCat("GCONV_PATH=", bundle, "/lib/gconv"),
          absl::StrCat("LOCPATH=", bundle, "/lib/locale"), "LC_ALL=C.UTF-8"};
}

}  // namespace runcvm
