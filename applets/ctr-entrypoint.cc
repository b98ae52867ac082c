// ctr-entrypoint
//
// The container's first process (PID 1), as the runtime rewrote config.json: prepares the
// container for the VM, then becomes init. The workload itself is described by the launch spec
// (/.runcvm/runcvm.json), which the runtime wrote on the host.
//
// Networking: the container's interfaces are handed to the VM (net_setup.h): each one is bridged
// with a tap whose descriptor crosses the exec to init in RUNCVM_TAP_FDS, and the plan the VM
// restores is written to /.runcvm/network.json.
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "applets/applets.h"
#include "common/exit_code.h"
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
}

int CtrEntrypointMain(int argc, char** argv) {
  absl::StatusOr<std::vector<QemuNic>> nics = PrepareContainerNetwork();
  if (!nics.ok()) {
    LogError(Annotate(nics.status(), "network").message());
    return kExitRuncvmFailed;
  }
  setenv(kTapFdsEnv, FormatTapFds(*nics).c_str(), 1);
  const char* init_argv[] = {kInitPath, nullptr};
  execv(kInitPath, const_cast<char**>(init_argv));
  LogError(ErrnoError(errno, absl::StrCat("exec ", kInitPath)).message());
  return kExitRuncvmFailed;
}

}  // namespace runcvm
