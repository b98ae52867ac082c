// ctr-entrypoint
//
// The container's first process (PID 1), as the runtime rewrote config.json: prepares the
// container for the VM, then becomes init. The workload itself is described by the launch spec
// (/.runcvm/runcvm.json), which the runtime wrote on the host.
//
// Networking (moving the container's addresses to the VM through a bridge and a tap per
// interface, and the DNS relay) belongs here and is not implemented yet: the VM currently has
// loopback only.
#include <unistd.h>

#include <cerrno>

#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kCtrEntrypointUsage =
    "Usage: ctr-entrypoint\n\n"
    "Container PID 1 at first: prepares the container for the VM, then execs init.\n";

namespace {
constexpr char kInitPath[] = "/opt/runcvm/bin/runcvm-init";
}

int CtrEntrypointMain(int argc, char** argv) {
  const char* init_argv[] = {kInitPath, nullptr};
  execv(kInitPath, const_cast<char**>(init_argv));
  LogError(ErrnoError(errno, absl::StrCat("exec ", kInitPath)).message());
  return kExitRuncvmFailed;
}

}  // namespace runcvm
