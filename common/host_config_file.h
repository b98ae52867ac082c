// Registering the runtime in a host configuration file (daemon.json, containers.conf) and taking
// it out again, with the care a system file deserves: the file is replaced atomically (temporary
// file + rename, its mode and owner kept), never half-written; a file that does not parse is left
// untouched. The first registration saves the original beside it (FILE.runcvm-backup, same mode
// and owner; or FILE.runcvm-created when there was no file), so that unregistering puts back
// exactly what was there, byte for byte, unless someone changed the file in the meantime: then
// only our runtime is taken out.
#ifndef RUNCVM_COMMON_HOST_CONFIG_FILE_H_
#define RUNCVM_COMMON_HOST_CONFIG_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/host_config.h"

namespace runcvm {

inline constexpr std::string_view kBackupSuffix = ".runcvm-backup";
inline constexpr std::string_view kCreatedSuffix = ".runcvm-created";

struct RegistrationResult {
  bool changed = false;
  std::string message;  // what was done, for the installer's progress lines
};

// Adds runtime `name` -> `runtime_path` to `file`. With `dry_run`, only checks that it could
// (the file parses) and says what it would do.
absl::StatusOr<RegistrationResult> RegisterRuntime(HostConfigKind kind, const std::string& file,
                                                   std::string_view name,
                                                   std::string_view runtime_path, bool dry_run);

absl::StatusOr<RegistrationResult> UnregisterRuntime(HostConfigKind kind, const std::string& file,
                                                     std::string_view name);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_HOST_CONFIG_FILE_H_
