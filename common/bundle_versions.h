// The installed bundle as versions side by side: /opt/runcvm is a symlink to runcvm.d/<id>, one
// directory per installed version. Switching versions is one rename(2) of a new symlink over the
// old one, so an install that fails or is interrupted leaves the previous version in place, and
// containers that run keep the version they started with: the runtime resolves its bundle through
// /proc/self/exe, so each container bind-mounts the version directory itself, not the symlink.
#ifndef RUNCVM_COMMON_BUNDLE_VERSIONS_H_
#define RUNCVM_COMMON_BUNDLE_VERSIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace runcvm {

// Points the symlink `link` at `target` (relative to link's directory) atomically. A real
// directory at `link` (an install from before versioned bundles) is swapped with the new link in
// one renameat2(RENAME_EXCHANGE), so the path never disappears, and then moved to `retired`.
// Returns what was done, for the installer's progress lines.
absl::StatusOr<std::string> ActivateBundle(const std::string& link, const std::string& target,
                                           const std::string& retired);

// Processes whose mount namespace has `dir` (or something below it) mounted: the running
// containers that use this bundle version. One "PID (COMM)" per mount namespace.
absl::StatusOr<std::vector<std::string>> BundleUsers(const std::string& dir);

// The part of mountinfo matching needs, exposed for tests: whether a mountinfo line mounts
// `root` (a path relative to the filesystem of device `dev`, "MAJOR:MINOR") or below it.
bool MountinfoLineUses(std::string_view line, std::string_view dev, std::string_view root);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_BUNDLE_VERSIONS_H_
