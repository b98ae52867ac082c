// vm-init
//
// PID 1 of the VM, exec'd by the initramfs once the container's filesystem is the root. Makes
// the VM look like the container (/proc, /sys, /dev, hostname, tmpfs mounts), then runs the
// guest agent: the workload starts in its own PID and mount namespaces, exactly as a container's
// process would, and its stdio, signals and exit status travel over the control port. When the
// workload has exited and the container has its status, the VM powers off.
#include <fcntl.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "applets/applets.h"
#include "common/disks.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/guest_agent.h"
#include "common/guest_net.h"
#include "common/guest_setup.h"
#include "common/launch_spec.h"
#include "common/log.h"
#include "common/process_spec.h"
#include "common/status.h"
#include "common/virtio_port.h"

namespace runcvm {

extern const std::string_view kVmInitUsage =
    "Usage: vm-init\n\n"
    "PID 1 inside the VM: restores the container's environment and runs the workload.\n";

namespace {

constexpr char kGuestInitPath[] = "/opt/runcvm/bin/runcvm-init";

// The VGA console the workload will run on (RUNCVM_QEMU_DISPLAY=curses): checked here, so that a
// kernel without one fails the VM with a line saying so rather than the workload with ENOENT.
// What SeaBIOS wrote on the screen stays there under the Linux console, so unless
// RUNCVM_KERNEL_DEBUG put the boot there to be read, the screen is cleared (home, then erase to
// the end: the VT's own escape sequences).
absl::Status PrepareConsole(const char* device, bool clear) {
  UniqueFd tty(open(device, O_WRONLY | O_NOCTTY | O_CLOEXEC));
  if (!tty.valid()) {
    return Annotate(ErrnoError(errno, absl::StrCat("open ", device)),
                    "RUNCVM_QEMU_DISPLAY=curses: the VM's VGA console");
  }
  if (clear) {
    if (absl::Status s = WriteAll(tty.get(), "\033[H\033[J"); !s.ok()) LogWarning(s.message());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> RunVm() {
  RETURN_IF_ERROR(MountContainerFilesystems());
  RETURN_IF_ERROR(BringUpLoopback());
  RETURN_IF_ERROR(Annotate(RestoreNetwork(), "network"));
  ASSIGN_OR_RETURN(LaunchSpec launch, ReadLaunchSpec());
  RETURN_IF_ERROR(SetHostname(launch.hostname));
  RETURN_IF_ERROR(MountGuestMounts(launch.guest_mounts));
  if (!launch.vm.disks.empty()) RETURN_IF_ERROR(MountDisks());
  ASSIGN_OR_RETURN(ProcessSpec workload, ParseProcessSpec(launch.process));
  StripRuncvmEnvironment(workload);
  SessionStdio stdio;
  stdio.terminal = launch.terminal;
  if (launch.vm.curses()) {
    UseConsoleTerm(workload);
    stdio.device = kConsoleDevice;
    RETURN_IF_ERROR(PrepareConsole(kConsoleDevice, /*clear=*/!launch.vm.kernel_debug));
  }
  ASSIGN_OR_RETURN(UniqueFd port, OpenVirtioPort(protocol::kPortName));

  auto start_workload = [&launch, &workload]() -> absl::Status {
    RETURN_IF_ERROR(MountProcForNewPidNamespace());
    if (launch.readonly_root) {
      PinBindMounts(launch.binds);
      RETURN_IF_ERROR(RemountRootReadOnly());
    }
    if (launch.init) {
      const char* argv[] = {kGuestInitPath, "--guest", nullptr};
      execv(kGuestInitPath, const_cast<char**>(argv));
      return ErrnoError(errno, absl::StrCat("exec ", kGuestInitPath));
    }
    return ApplyProcessSpecAndExec(workload);
  };
  GuestAgent agent(std::move(port), stdio, start_workload);
  agent.UseExternalDns(launch.external_dns);
  return agent.Run();
}

}  // namespace

int VmInitMain(int argc, char** argv) {
  absl::StatusOr<int> code = RunVm();
  if (!code.ok()) LogError(code.status().message());  // the console: see the container's log
  sync();
  reboot(RB_POWER_OFF);
  return code.ok() ? *code : kExitRuncvmFailed;
}

}  // namespace runcvm
