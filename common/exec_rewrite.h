// The `exec` rewrite: Docker's process.json for `docker exec` in, the container's process out.
// Pure. The command runs in the VM: the container runs runcvm-ctr-exec (as root, with the
// container's capabilities), which carries the whole original process (args, env, user, cwd,
// terminal...) to the guest agent as its one argument.
//
// Escape hatch kept from the original: `docker exec C --- CMD...` runs CMD in the container itself.
#ifndef RUNCVM_COMMON_EXEC_REWRITE_H_
#define RUNCVM_COMMON_EXEC_REWRITE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "common/json.h"

namespace runcvm {

inline constexpr std::string_view kContainerEscape = "---";

// `available_caps`: the runtime's bounding set, as HostFacts::available_caps.
absl::StatusOr<Json> RewriteProcess(const Json& process, uint64_t available_caps = ~uint64_t{0});

}  // namespace runcvm

#endif  // RUNCVM_COMMON_EXEC_REWRITE_H_
