// Kernel-module bookkeeping for the initramfs, kept pure so it is testable on the host: parsing
// depmod's modules.dep and a list of wanted modules, and ordering the loads so every module comes
// after the modules it depends on (what `modprobe` does, without kmod or its config files).
#ifndef RUNCVM_COMMON_KMOD_H_
#define RUNCVM_COMMON_KMOD_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace runcvm {

// One line of modules.dep: "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko". Paths are
// relative to /lib/modules/<version>; depmod lists the full transitive closure of dependencies.
struct ModuleEntry {
  std::string path;
  std::vector<std::string> deps;  // paths, as written by depmod
};

// Keyed by module name (see ModuleName).
using ModuleIndex = std::map<std::string, ModuleEntry, std::less<>>;

// "kernel/drivers/char/hw_random/virtio-rng.ko.xz" -> "virtio_rng": the kernel's own name for a
// module (basename without .ko and compression suffix, '-' read as '_', as modprobe does).
std::string ModuleName(std::string_view path_or_name);

// Parses modules.dep. Blank lines are skipped; a line without "path:" is an error.
absl::StatusOr<ModuleIndex> ParseModulesDep(std::string_view text);

// A list of wanted modules: one name per line, '#' starts a comment, names normalised.
std::vector<std::string> ParseModuleList(std::string_view text);

struct LoadPlan {
  std::vector<std::string> paths;    // module files to load, dependencies first, no duplicates
  std::vector<std::string> missing;  // wanted names absent from modules.dep (built in, or absent)
};

// Orders the loads for `wanted`: every module's dependencies come before it, each file once.
// Fails on a dependency cycle or on a dependency path that modules.dep does not itself describe.
absl::StatusOr<LoadPlan> PlanModuleLoads(const ModuleIndex& index,
                                         const std::vector<std::string>& wanted);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_KMOD_H_
