// What vm-init does to the VM's root (the container's filesystem, over virtio-fs) so that the
// workload sees what it would see under runc: /proc, /sys, /dev and friends, the hostname, the
// spec's tmpfs mounts, a read-only root for --read-only, a loopback interface, and, in the
// workload's own PID + mount namespace, a /proc of its own.
// Every function is idempotent: what is already mounted (by the initramfs, or by an earlier call)
// is left alone. Option and mountinfo parsing are pure and unit-tested.
#ifndef RUNCVM_COMMON_GUEST_SETUP_H_
#define RUNCVM_COMMON_GUEST_SETUP_H_

#include <sys/types.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/json.h"

namespace runcvm {

// ---- pure ------------------------------------------------------------------------------------

// OCI mount options split the way runc's parseMountOptions does: flag words (ro, nosuid, ...)
// set or clear MS_* bits, propagation words (private, rshared, ...) are collected separately
// (they need a mount call of their own), everything else ("size=64m", "mode=1777") joins `data`
// with commas in the order given.
struct MountOptions {
  unsigned long flags = 0;
  unsigned long propagation = 0;  // MS_PRIVATE|MS_REC etc., 0 when none
  std::string data;
};
MountOptions ParseMountOptions(std::span<const std::string> options);

// One tmpfs (or other) mount from the launch spec's "guest_mounts".
struct GuestMount {
  std::string destination;  // absolute
  std::string type;         // "tmpfs"
  std::string source;       // "tmpfs"
  std::vector<std::string> options;
};
// Parses the launch spec's "guest_mounts" array; errors name the entry (guest_mounts[2].type).
absl::StatusOr<std::vector<GuestMount>> ParseGuestMounts(const Json& guest_mounts);

// A line of /proc/self/mountinfo, octal escapes (\040 for a space) decoded.
struct MountInfo {
  std::string mount_point;
  std::string fs_type;
  std::string source;
  std::string options;  // per-mount options ("rw,nosuid,relatime")
};
std::vector<MountInfo> ParseMountInfo(std::string_view contents);

// ---- effects (run as root in the VM, after switch-root) --------------------------------------

// mkdir -p, as Go's os.MkdirAll: missing components get `mode` (less the umask), existing ones are
// left alone; fails when `path` ends up not being a directory.
absl::Status MkdirAll(const std::string& path, mode_t mode);

// /proc (proc), /sys (sysfs), /dev (devtmpfs: the VM has real devices), /dev/pts (a new devpts
// instance, ptmxmode=0666, with /dev/ptmx -> pts/ptmx when /dev/ptmx is missing), /dev/shm
// (tmpfs 1777, 64 MiB as Docker's default), /dev/mqueue, /dev/fd and /dev/std{in,out,err}
// symlinks, /sys/fs/cgroup (cgroup2). The image's /run and /tmp are left as they are; /run is
// created (a plain directory) only when the image lacks it. Missing mount points are created.
absl::Status MountContainerFilesystems();

// sethostname(2); an empty name leaves the hostname alone.
absl::Status SetHostname(std::string_view name);

// Mounts each entry (mkdir -p of its destination first). An entry whose destination is already a
// mount of the same type is remounted with the entry's options instead (so /dev/shm gets the
// spec's size, and a second call changes nothing).
absl::Status MountGuestMounts(std::span<const GuestMount> mounts);

// Before a read-only root: makes each of Docker's binds (`destinations`, as the VM sees them) a
// mount of its own in the guest, so that it keeps its own writability. Directories are virtio-fs
// submounts, automounted on first access with the flags of the mount they appear in (a ro root
// would make them ro), so each is opened while / is still writable; files cannot be submounts
// and are bind-mounted onto themselves. A destination that is missing is skipped.
void PinBindMounts(std::span<const std::string> destinations);

// --read-only: makes the root mount read-only (MS_REMOUNT|MS_BIND|MS_RDONLY, keeping its other
// per-mount flags), as runc does for root.readonly. /proc, /dev, /sys and the tmpfs mounts are
// separate mounts and stay writable. Call it in the workload's mount namespace so that vm-init's
// own view of / stays writable. No-op when / is already read-only.
absl::Status RemountRootReadOnly();

// Brings `lo` up (SIOCSIFFLAGS; no netlink needed). No-op when it is already up.
absl::Status BringUpLoopback();

// For a child created with CLONE_NEWPID|CLONE_NEWNS: makes the whole mount tree private (so
// nothing propagates back to vm-init's namespace) and replaces /proc with a fresh procfs of the
// new PID namespace, so that `ps` shows only the workload's processes.
absl::Status MountProcForNewPidNamespace();

}  // namespace runcvm

#endif  // RUNCVM_COMMON_GUEST_SETUP_H_
