// The launch spec: what the runtime decided on the host at `create` (runcvm.json, bind-mounted
// read-only at /.runcvm/runcvm.json), read by init in the container and vm-init in the VM.
#ifndef RUNCVM_COMMON_LAUNCH_SPEC_H_
#define RUNCVM_COMMON_LAUNCH_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/disk_spec.h"
#include "common/guest_setup.h"
#include "common/json.h"

namespace runcvm {

inline constexpr char kLaunchSpecPath[] = "/.runcvm/runcvm.json";

struct VmSpec {
  int cpus = 0;  // 0: as many as the container may use
  int memory_mib = 512;
  std::string accel = "auto";
  std::string kernel;
  std::string initrd;
  std::string kernel_append;
  bool kernel_debug = false;
  int boot_timeout_s = 300;  // RUNCVM_BOOT_TIMEOUT (options.h)
  // An image's own kernel (image_kernel.h): its modules directory in the container, its release,
  // and the module list; init appends those modules to `initrd`.
  std::string image_modules;
  std::string kernel_release;
  std::string module_list;
  bool bios_debug = false;          // RUNCVM_BIOS_DEBUG
  bool sys_admin = false;           // RUNCVM_SYS_ADMIN
  std::vector<std::string> breaks;  // RUNCVM_BREAK
  std::vector<DiskSpec> disks;      // RUNCVM_DISKS
  // RUNCVM_QEMU_DISPLAY: "none", or "curses": the workload runs on the VM's VGA console (tty1),
  // which QEMU draws on the container's terminal.
  std::string display = "none";
  bool curses() const { return display == "curses"; }
};

struct LaunchSpec {
  Json process;  // the OCI process object Docker asked for
  std::string hostname;
  bool init = false;
  bool readonly_root = false;
  std::vector<GuestMount> guest_mounts;
  // Where Docker's binds (volumes, host paths, /etc/hosts...) appear in the VM, in config order.
  std::vector<std::string> binds;
  // The servers the VM asks for names Docker's embedded DNS cannot forward (dns_servers.h).
  std::vector<std::string> external_dns;
  VmSpec vm;
  bool terminal = false;  // process.terminal, for convenience
  std::string runtime_debug_log;  // RUNCVM_RUNTIME_DEBUG: the runtime's log on the host
};

absl::StatusOr<LaunchSpec> ParseLaunchSpec(const Json& doc);
absl::StatusOr<LaunchSpec> ReadLaunchSpec(const std::string& path = kLaunchSpecPath);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_LAUNCH_SPEC_H_
