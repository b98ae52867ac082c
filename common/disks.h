// RUNCVM_DISKS in practice. In the container, before QEMU starts (ctr-entrypoint, or the disk-prep
// applet by hand): each backing file is created sparse and formatted with the bundled mke2fs,
// populated from what the image has at <dst>, unless it exists already (then it is used as it
// is, never resized or reformatted, so a disk on a volume under /disks outlives the container);
// the fstab the guest mounts from is written to /.runcvm/fstab. In the VM (vm-init): the disks are
// found by their serial numbers, linked as udev would (/dev/disk/by-id/virtio-<serial>), mounted
// at <dst>, and /.runcvm/fstab is bind-mounted over the image's /etc/fstab so that the workload
// (systemd, mount -a) sees them too.
#ifndef RUNCVM_COMMON_DISKS_H_
#define RUNCVM_COMMON_DISKS_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "common/disk_spec.h"

namespace runcvm {

inline constexpr char kDisksFstab[] = "/.runcvm/fstab";

struct DiskPrepPaths {
  std::string vm_root = "/vm";  // the VM's root in the container
  std::string mke2fs = "/opt/runcvm/bin/mke2fs";
  std::string fstab = kDisksFstab;
};

// Container side. On an error nothing this call created is left behind (a backing file it was
// formatting is removed again). Errors name RUNCVM_DISKS and the file.
absl::Status PrepareDisks(std::span<const DiskSpec> disks, const DiskPrepPaths& paths = {});

// VM side: links and mounts the disks of `fstab` (no-op when it does not exist).
absl::Status MountDisks(const std::string& fstab = kDisksFstab);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_DISKS_H_
