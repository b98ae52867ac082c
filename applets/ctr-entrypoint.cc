// ctr-entrypoint
//
// The container's first process (PID 1), as the runtime rewrote config.json: prepares the
// container for the VM, then becomes init. The workload itself is described by the launch spec
// (/.runcvm/runcvm.json), which the runtime wrote on the host.
//
// Networking: the container's interfaces are handed to the VM (net_setup.h): each one is bridged
// with a tap whose descriptor crosses the exec to init in RUNCVM_TAP_FDS, and the plan the VM
// restores is written to /.runcvm/network.json.
//
// Before that: RUNCVM_BREAK=prenet (a shell), RUNCVM_DISKS (disks.h: backing files created and
// formatted, the guest's fstab written); after it RUNCVM_BREAK=postnet.
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "applets/applets.h"
#include "common/break_shell.h"
#include "common/disks.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/launch_spec.h"
#include "common/log.h"
#include "common/net_capture.h"
#include "common/net_setup.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kCtrEntrypointUsage =
    "Usage: ctr-entrypoint\n\n"
    "Container PID 1 at first: prepares the container for the VM, then execs init.\n";

namespace {

constexpr char kInitPath[] = "/opt/runcvm/bin/runcvm-init";


absl::StatusOr<std::vector<QemuNic>> Prepare() {
  ASSIGN_OR_RETURN(LaunchSpec spec, ReadLaunchSpec());
  if (!spec.runtime_debug_log.empty()) {
    (void)WriteAll(STDERR_FILENO, absl::StrCat("runcvm: RUNCVM_RUNTIME_DEBUG: the runtime's log is ",
                                               spec.runtime_debug_log, " on the host\n"));
  }
  RETURN_IF_ERROR(MaybeBreak(spec.vm.breaks, "prenet",
                             "the container's network is not yet handed to the VM"));
  RETURN_IF_ERROR(PrepareDisks(spec.vm.disks));
  absl::StatusOr<std::vector<QemuNic>> nics = PrepareContainerNetwork();
  if (!nics.ok()) return Annotate(nics.status(), "network");
  RETURN_IF_ERROR(MaybeBreak(spec.vm.breaks, "postnet",
                             "the container's network is bridged to the VM's taps"));
  return nics;
}

}  // namespace

int CtrEntrypointMain(int argc, char** argv) {
  absl::StatusOr<std::vector<QemuNic>> nics = Prepare();
  if (!nics.ok()) {
    LogError(nics.status().message());
    return kExitRuncvmFailed;
  }
  setenv(kTapFdsEnv, FormatTapFds(*nics).c_str(), 1);
  const char* init_argv[] = {kInitPath, nullptr};
  execv(kInitPath, const_cast<char**>(init_argv));
  LogError(ErrnoError(errno, absl::StrCat("exec ", kInitPath)).message());
  return kExitRuncvmFailed;
}

}  // namespace runcvm
