// init in the container: starts virtiofsd and QEMU, relays the workload's stdio, signals and
// window size over the control channel, routes exec sessions from ctr-exec clients, and exits
// with the workload's exit code (protocol.md).
#ifndef RUNCVM_COMMON_CONTAINER_INIT_H_
#define RUNCVM_COMMON_CONTAINER_INIT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/launch_spec.h"

namespace runcvm {

struct ContainerPaths {
  std::string bundle = "/opt/runcvm";  // the bundle, as mounted in the container
  std::string run_dir = "/run/runcvm"; // container-only sockets and logs
  std::string vm_root = "/vm";         // what virtiofsd serves as the VM's root

  std::string ctl_socket() const { return run_dir + "/ctl.sock"; }
  std::string exec_socket() const { return run_dir + "/exec.sock"; }
  std::string virtiofs_socket() const { return run_dir + "/virtiofs.sock"; }
  std::string qemu_log() const { return run_dir + "/qemu.log"; }
  std::string console_log() const { return run_dir + "/console.log"; }
  std::string virtiofsd_log() const { return run_dir + "/virtiofsd.log"; }
  std::string init_log() const { return run_dir + "/init.log"; }
  // An image's own kernel boots with the bundled initrd plus its modules (image_kernel.h).
  std::string image_initrd() const { return run_dir + "/initrd"; }
};

// Everything needed to launch the VM, decided before anything is started.
struct VmLaunch {
  std::vector<std::string> virtiofsd_argv;  // without the --fd option, which init adds
  std::vector<std::string> qemu_argv;
  std::string accel_name;
  std::vector<int> tap_fds;  // QEMU inherits these (QemuNic::tap_fd, -netdev tap,fd=N)
  std::vector<std::string> qemu_env;  // added to QEMU's environment (CursesEnvironment)
};

absl::StatusOr<VmLaunch> PlanVmLaunch(const LaunchSpec& spec, const ContainerPaths& paths);

absl::StatusOr<int> RunContainerInit(const LaunchSpec& spec, const ContainerPaths& paths);

// The container's exit code when QEMU ended without the agent reporting one, from QEMU's wait(2)
// status: the workload's request in /.runcvm/exit-code, the code passed to qemu-exit (QEMU's
// isa-debug-exit status is 2*(code-1)+1), 0 for a clean power-off, else 125 (the VM failed).
int ExitCodeWithoutReport(std::optional<int> requested, int qemu_wait_status);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_CONTAINER_INIT_H_
