// init [--guest]
//
// In the container (no option): PID 1 after ctr-entrypoint. Starts virtiofsd and QEMU, relays the
// workload's stdin, stdout and stderr (separately), terminal size and signals over the control
// channel, serves `docker exec` sessions, and exits with the workload's exit code.
//
// --guest: in the VM with `docker run --init`, PID 1 of the workload's namespace: runs the
// workload as its only child, forwards signals, reaps orphans and exits with the child's code
// (the role docker-init/tini plays under runc).
#include <string_view>

#include "applets/applets.h"
#include "common/container_init.h"
#include "common/exit_code.h"
#include "common/guest_agent.h"
#include "common/launch_spec.h"
#include "common/log.h"
#include "common/process_spec.h"
#include "common/reaper.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kInitUsage =
    "Usage: init [--guest]\n\n"
    "Container PID 1: supervises QEMU and virtiofsd, relays stdio, signals and the exit status.\n"
    "--guest  PID 1 of the workload's namespace in the VM (docker run --init).\n";

namespace {

int GuestInit() {
  absl::StatusOr<LaunchSpec> launch = ReadLaunchSpec();
  absl::StatusOr<ProcessSpec> spec =
      launch.ok() ? ParseProcessSpec(launch->process) : absl::StatusOr<ProcessSpec>(launch.status());
  if (!spec.ok()) {
    LogError(spec.status().message());
    return kExitRuncvmFailed;
  }
  StripRuncvmEnvironment(*spec);
  if (launch->vm.curses()) UseConsoleTerm(*spec);
  return RunReaper([&spec] { return ApplyProcessSpecAndExec(*spec); });
}

}  // namespace

int InitMain(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--guest") return GuestInit();
  if (argc != 1) {
    LogError("unexpected arguments; see --help");
    return kExitRuncvmFailed;
  }
  absl::StatusOr<LaunchSpec> spec = ReadLaunchSpec();
  absl::StatusOr<int> code =
      spec.ok() ? RunContainerInit(*spec, ContainerPaths{}) : absl::StatusOr<int>(spec.status());
  if (!code.ok()) {
    LogError(code.status().message());
    return ExitCodeForError(code.status());
  }
  return *code;
}

}  // namespace runcvm
