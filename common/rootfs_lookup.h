// Looking things up in the filesystem for the runtime: the workload's executable inside the
// container's rootfs (to fail `docker run` exactly as runc would), an exec's cwd and executable
// inside the VM's root (to fail `docker exec` likewise), and the host facts the pure
// config rewrite depends on (kernels, devices, network namespace).
#ifndef RUNCVM_COMMON_ROOTFS_LOOKUP_H_
#define RUNCVM_COMMON_ROOTFS_LOOKUP_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/config_rewrite.h"
#include "common/json.h"

namespace runcvm {

// runc 1.1 checks at create time, inside the container, that process.args[0] can be executed
// (Go's exec.LookPath, built with Go 1.19), and fails `runc create` with
//   runc create failed: unable to start container process: exec: "X": <reason>
// which dockerd turns into exit code 127 ("executable file not found", "no such file or
// directory") or 126 ("permission denied"). The VM would only find out after booting, so the
// runtime repeats the check on the rootfs with the same rules and wording:
//   - X contains "/": stat X (relative to process.cwd); a failure is `stat X: <errno text>`; a
//     directory or a file without any x bit is `permission denied`.
//   - else each entry of the env's PATH ("" means "."; no PATH means no entries) is tried; none
//     executable is `executable file not found in $PATH`; a hit through a relative entry is
//     `cannot run executable found relative to current directory` (Go 1.19's ErrDot).
// Symlinks are resolved inside the rootfs and never leave it. A path that reaches one of
// `mount_destinations` (a volume, /proc...) cannot be judged from the rootfs and passes.
// The error carries exit code 127 or 126 (WithExitCode) and its message is runc's, verbatim.
absl::Status CheckExecutable(const std::string& rootfs, const Json& process,
                             std::span<const std::string> mount_destinations,
                             std::string_view runc_command);

// runc's message for a process that could not be started: "runc create failed: unable to start
// container process: <reason>" (create, run); "exec failed: unable to start container process:
// <reason>" (exec, which wraps the error itself; containerd adds "OCI runtime exec failed: ").
std::string RuncStartFailure(std::string_view runc_command, std::string_view reason);

// runc exec's checks, in its order, for a `docker exec` process run in the VM, with `root` the
// VM's root as a host path (/proc/<init pid>/root/vm): the cwd must be a directory (runc chdirs
// before anything else: `chdir to cwd ("X") set in config.json failed: <errno text>`), then
// args[0] must be executable (CheckExecutable's rules). Errors carry an exit code like
// CheckExecutable's and runc exec's message (RuncStartFailure("exec", ...)).
absl::Status CheckExecProcess(const std::string& root, const Json& process,
                              std::span<const std::string> mount_destinations);

// The host's RunCVM bundle: dirname(dirname(realpath(/proc/self/exe))), so a staged copy works.
absl::StatusOr<std::string> RuncvmRootFromSelf();

// RUNCVM_DISKS at create, before anything exists: a backing file that exists must be a regular
// file, one that does not needs a <size>. Files on binds and volumes are looked up at their host
// source; `option_value` is quoted in the error.
absl::Status CheckDiskFiles(const std::string& rootfs, const Json& config,
                            std::span<const DiskSpec> disks, std::string_view option_value);

// The image's distribution (os-release ID) and its own kernel at the distribution's place, with
// the release read from the kernel file and a problem when it cannot be booted.
ImageKernel FindImageKernel(const std::string& rootfs);

// Gathers the facts RewriteConfig needs. `bundle_dir` must be absolute.
absl::StatusOr<HostFacts> GatherHostFacts(const std::string& runcvm_root,
                                          const std::string& bundle_dir, const Json& config);

// The kernels under <runcvm_root>/kernels: <dist>/<version>/vmlinuz, and <dist>/latest.
std::map<std::string, KernelDist> ListKernels(const std::string& runcvm_root);

// The calling process's bounding set from /proc/self/status (CapBnd); all bits when unreadable.
uint64_t OwnBoundingCaps();

// Go's strconv.Quote for the names in runc's messages.
std::string GoQuote(std::string_view s);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_ROOTFS_LOOKUP_H_
