// The RUNCVM_* options a user sets with `docker run --env` (or an image's ENV): one table of known
// names, each with a validator, checked by the runtime at `create` so that a typo or a bad value
// fails `docker run` at once with one line naming the variable, instead of booting a VM that
// ignores it (the original silently ignored unknown names and most bad values).
//
// Validation only: the variables stay in the workload's env; the container and VM components read
// the ones they implement from there, and the guest strips RUNCVM_* before the workload starts.
#ifndef RUNCVM_COMMON_OPTIONS_H_
#define RUNCVM_COMMON_OPTIONS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/disk_spec.h"

namespace runcvm {

// How long a VM may take to boot (QEMU start to the guest agent's HELLO) before init gives up on
// it. A boot takes under a second with KVM and 5-25 s under TCG on a loaded 2-core host; the
// bound is there so that a VM that never comes up fails the container (and every docker exec
// waiting for it) with an error, instead of leaving it "running" forever.
inline constexpr int kDefaultBootTimeoutSeconds = 300;

// The options the runtime itself acts on at create time; the rest are only validated.
struct RuncvmOptions {
  std::string kernel;                     // RUNCVM_KERNEL "<dist>[/<version>]"; "" = default
  std::string kernel_append;              // RUNCVM_KERNEL_APPEND
  bool kernel_debug = false;              // RUNCVM_KERNEL_DEBUG
  bool kernel_mount_lib_modules = false;  // RUNCVM_KERNEL_MOUNT_LIB_MODULES
  std::string accel = "auto";             // RUNCVM_ACCEL: auto|kvm|tcg
  int boot_timeout_s = kDefaultBootTimeoutSeconds;  // RUNCVM_BOOT_TIMEOUT
  bool init = false;                      // RUNCVM_INIT: our init as the workload's PID 1
  bool runtime_debug = false;             // RUNCVM_RUNTIME_DEBUG
  bool bios_debug = false;                // RUNCVM_BIOS_DEBUG
  bool sys_admin = false;                 // RUNCVM_SYS_ADMIN
  std::vector<std::string> breaks;        // RUNCVM_BREAK: prenet, postnet, preqemu
  std::vector<DiskSpec> disks;            // RUNCVM_DISKS
  std::string qemu_display = "none";      // RUNCVM_QEMU_DISPLAY: none|curses
};

struct OptionInfo {
  std::string_view name;
  std::string_view values;  // human-readable: what the validator accepts
  std::string_view effect;
};

// The table of known options, sorted by name (for documentation and tests).
std::span<const OptionInfo> KnownOptions();

// Validates every RUNCVM_* entry of an OCI process env ("NAME=VALUE" strings; a later entry for the
// same name wins, as in a shell; an empty value means the default) and returns the ones the
// runtime uses. Errors name the variable:
//   invalid RUNCVM_ACCEL=xen: expected one of auto, kvm, tcg
//   unknown option RUNCVM_KERNEL_DEBUGG=1 (not a RunCVM option; did you mean RUNCVM_KERNEL_DEBUG?)
//   RUNCVM_QEMU_VGA=std: not supported by this version (accepted: none)
absl::StatusOr<RuncvmOptions> ParseOptions(std::span<const std::string> env);

// The value of `name` in an env list ("NAME=VALUE"), the last one winning; nullopt when absent.
std::optional<std::string> EnvValue(std::span<const std::string> env, std::string_view name);

// "1/true/yes/on" -> true, "0/false/no/off/''" -> false, anything else -> nullopt.
std::optional<bool> ParseBoolOption(std::string_view value);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_OPTIONS_H_
