// A minimal PID 1 for the workload's namespace with `docker run --init` (the role tini plays
// under runc): one child, every orphan reaped, signals forwarded, the child's status returned.
#ifndef RUNCVM_COMMON_REAPER_H_
#define RUNCVM_COMMON_REAPER_H_

#include <functional>

#include "absl/status/status.h"

namespace runcvm {

// Forks `child` (which execs, returning only an error), forwards every catchable signal to it,
// reaps all children, and returns the child's exit code (128+N when killed by signal N).
int RunReaper(const std::function<absl::Status()>& child);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_REAPER_H_
