// PlanVmLaunch: from the launch spec to the exact virtiofsd and QEMU command lines, decided before
// anything starts so that a bad setting fails the container without leaving processes behind.
#include <sched.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/container_init.h"
#include "common/disk_spec.h"
#include "common/net_setup.h"
#include "common/options.h"
#include "common/qemu.h"
#include "common/status.h"

namespace runcvm {
namespace {

// Kernel parameters for our own kernels. The initramfs (rdinit) mounts the virtio-fs root and
// execs init=. panic=-1 reboots at once on a panic, which -no-reboot turns into QEMU's exit;
// the rest trims boot time on a virtual machine (no TSC calibration, no legacy keyboard probe,
// no crypto self-tests, no PCI bus scan beyond bus 0).
constexpr std::string_view kKernelParameters =
    "rdinit=/runcvm-initramfs root=runcvmfs rootfstype=virtiofs rw "
    "init=/opt/runcvm/bin/runcvm-vm-init panic=-1 tsc=reliable no_timer_check noreplace-smp "
    "cryptomgr.notests i8042.noaux i8042.nopnp i8042.dumbkbd pci=lastbus=0";

// The CPUs this container may run on: the VM gets one vCPU for each when --cpus is not given.
int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace

absl::StatusOr<VmLaunch> PlanVmLaunch(const LaunchSpec& spec, const ContainerPaths& paths) {
  VmLaunch launch;
  ASSIGN_OR_RETURN(Accel accel, ChooseAccelerator(spec.vm.accel));
  launch.accel_name = AccelName(accel);

  QemuConfig qemu;
  qemu.qemu_binary = paths.bundle + "/bin/qemu-system-x86_64";
  qemu.firmware_dir = paths.bundle + "/share/qemu";
  qemu.accel = accel;
  qemu.cpus = spec.vm.cpus > 0 ? std::min(spec.vm.cpus, UsableCpus()) : UsableCpus();
  qemu.memory_mib = spec.vm.memory_mib;
  qemu.kernel = spec.vm.kernel;
  qemu.initrd = spec.vm.image_modules.empty() ? spec.vm.initrd : paths.image_initrd();
  std::vector<std::string_view> append = {kKernelParameters};
  // RUNCVM_KERNEL_DEBUG: the whole boot on the serial port, which is the container's stderr, or,
  // with the curses display, on the screen (the terminal is the screen then). Otherwise the
  // kernel's messages go to hvc0, a log, and the VGA screen shows only the workload.
  if (spec.vm.kernel_debug) {
    append.push_back(spec.vm.curses() ? "console=tty0" : "console=ttyS0");
  } else {
    append.push_back("console=hvc0");
    append.push_back("quiet");
  }
  // The VGA console would blank itself after 10 idle minutes.
  if (spec.vm.curses()) append.push_back("consoleblank=0");
  if (!spec.vm.kernel_append.empty()) append.push_back(spec.vm.kernel_append);
  qemu.append = absl::StrJoin(append, " ");
  qemu.virtiofs_socket = paths.virtiofs_socket();
  qemu.control_socket = paths.ctl_socket();
  // With RUNCVM_KERNEL_DEBUG the console goes where QEMU's own output goes: the container's
  // stderr (with the curses display, QEMU's log: the terminal shows the screen). Otherwise to a
  // log that init prints if the VM fails.
  qemu.console_path = spec.vm.kernel_debug ? "/proc/self/fd/2" : paths.console_log();
  if (spec.vm.kernel_debug) qemu.serial_path = "/proc/self/fd/2";
  // RUNCVM_BIOS_DEBUG: QEMU's stderr is the container's then too (StartQemu).
  if (spec.vm.bios_debug) qemu.bios_debug_path = "/proc/self/fd/2";
  for (size_t i = 0; i < spec.vm.disks.size(); ++i) {
    QemuDisk disk;
    disk.path = spec.vm.disks[i].src;
    disk.serial = DiskSerial(i);
    qemu.disks.push_back(std::move(disk));
  }
  if (spec.vm.curses()) {
    qemu.display = "curses";
    qemu.vga = "std";
    std::optional<std::string> term;
    if (const Json* env = FindMember(spec.process, "env"); env != nullptr && env->is_array()) {
      std::vector<std::string> entries;
      for (const Json& e : *env) {
        if (e.is_string()) entries.push_back(e.get<std::string>());
      }
      term = EnvValue(entries, "TERM");
    }
    launch.qemu_env = CursesEnvironment(paths.bundle, term.value_or(""));
  }
  // The taps ctr-entrypoint bridged with the container's interfaces (net_setup.h).
  ASSIGN_OR_RETURN(qemu.nics, TakeTapFdsFromEnv());
  for (const QemuNic& nic : qemu.nics) launch.tap_fds.push_back(nic.tap_fd);
  launch.qemu_argv = QemuArgs(qemu);

  launch.virtiofsd_argv = {paths.bundle + "/bin/virtiofsd",
                           "-o", absl::StrCat("source=", paths.vm_root),
                           "-o", "cache=auto",
                           "-o", "xattr",
                           "-o", "announce_submounts",
                           "-o", "sandbox=chroot"};
  // RUNCVM_SYS_ADMIN: virtiofsd keeps CAP_SYS_ADMIN, for what the guest asks of it with it
  // (trusted.* xattrs, e.g. overlayfs on a volume).
  if (spec.vm.sys_admin) {
    launch.virtiofsd_argv.insert(launch.virtiofsd_argv.end(), {"-o", "modcaps=+sys_admin"});
  }
  return launch;
}

}  // namespace runcvm
