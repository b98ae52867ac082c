// Capabilities through libcap, applied the way runc's finalizeNamespace does so that the workload
// ends up with exactly the sets runc would give it, for root and for any other uid:
//   DropBoundingSet (while we still hold CAP_SETPCAP)
//   SetKeepCaps(true); setgroups/setresgid/setresuid; SetKeepCaps(false)
//   ApplyCapabilitySets (effective/permitted/inheritable in one capset, then ambient)
#ifndef RUNCVM_COMMON_CAPS_H_
#define RUNCVM_COMMON_CAPS_H_

#include <sys/capability.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/process_spec.h"

namespace runcvm {

// Capability numbers, each list sorted and without duplicates.
struct ResolvedCapabilities {
  std::vector<cap_value_t> bounding;
  std::vector<cap_value_t> effective;
  std::vector<cap_value_t> inheritable;
  std::vector<cap_value_t> permitted;
  std::vector<cap_value_t> ambient;
  // Names libcap does not know or the running kernel does not have (cap number >= max_bits):
  // runc warns and ignores them, so do we (a newer Docker may name caps an older kernel lacks).
  std::vector<std::string> ignored;
};

// Resolves names ("CAP_NET_ADMIN", case-insensitive as libcap's cap_from_name) to numbers. Pure
// apart from libcap's name table; `max_bits` is the kernel's cap count (cap_max_bits()).
ResolvedCapabilities ResolveCapabilities(const CapabilitySets& sets, int max_bits);

// Drops from the bounding set every capability below cap_max_bits() not in `keep`
// (PR_CAPBSET_DROP).
absl::Status DropBoundingSet(const std::vector<cap_value_t>& keep);

// PR_SET_KEEPCAPS: keep the permitted set across a setuid away from 0.
absl::Status SetKeepCaps(bool keep);

// One capset(2) for effective, permitted and inheritable, then clears the ambient set and raises
// each ambient capability (which must be both permitted and inheritable, a kernel rule).
absl::Status ApplyCapabilitySets(const ResolvedCapabilities& caps);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_CAPS_H_
