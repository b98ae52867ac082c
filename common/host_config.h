// Registering the runtime with Docker (/etc/docker/daemon.json, JSON) and Podman
// (/etc/containers/containers.conf, TOML), as pure functions from a file's text to its new text,
// so that every case (other keys, other runtimes, bad input, re-install, uninstall) is unit-tested
// without touching the host. The effects (backup, permissions, atomic replace) are in
// common/host_config_file.h.
#ifndef RUNCVM_COMMON_HOST_CONFIG_H_
#define RUNCVM_COMMON_HOST_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace runcvm {

enum class HostConfigKind { kDocker, kPodman };

// Adds (or corrects) runtime `name` -> `path`. nullopt when the text already has exactly that, so
// a re-install writes nothing. Docker: `.runtimes[name] = {"path": path}`, every other key and
// runtime kept in order (an empty file counts as `{}`, as dockerd reads it); an invalid document
// is an error. Podman: `name = ["path"]` in the `[engine.runtimes]` table, the rest of the file
// byte for byte; the table is appended when the file has none.
absl::StatusOr<std::optional<std::string>> AddRuntime(HostConfigKind kind, std::string_view text,
                                                      std::string_view name,
                                                      std::string_view path);

// Removes runtime `name`; nullopt when it is not there. Docker: also drops a `runtimes` object it
// leaves empty. Podman: also drops an `[engine.runtimes]` table it leaves empty.
absl::StatusOr<std::optional<std::string>> RemoveRuntime(HostConfigKind kind,
                                                         std::string_view text,
                                                         std::string_view name);

// daemon.json with an empty `runtimes` object added; nullopt when it has a `runtimes` key. dockerd
// re-reads `runtimes` on SIGHUP only when the file sets the key (moby's reloadPlatform checks
// IsValueSet("runtimes")), so once uninstall has taken out the last runtime, only a reload with
// this text makes dockerd forget ours; the installer then puts the restored file back.
absl::StatusOr<std::optional<std::string>> AddEmptyDockerRuntimes(std::string_view text);

// Whether two texts configure the same thing: equal JSON documents (key order included) for
// Docker; for Podman the same lines once comments, blank lines and indentation are ignored.
// Uninstall restores the backup byte for byte only when the current file, without our runtime,
// is the same as the backup: anything else means someone changed the file after the install.
bool SameConfig(HostConfigKind kind, std::string_view a, std::string_view b);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_HOST_CONFIG_H_
