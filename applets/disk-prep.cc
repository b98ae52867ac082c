// disk-prep
//
// RUNCVM_DISKS by hand: in a RunCVM container, before QEMU starts (ctr-entrypoint does the same),
// creates each missing backing file sparse, formats it with the bundled mke2fs populated from the
// image's <dst>, reuses existing ones untouched, and writes the guest's fstab (/.runcvm/fstab).
// The disks come from the launch spec (/.runcvm/runcvm.json), i.e. the container's RUNCVM_DISKS.
#include "applets/applets.h"
#include "common/disks.h"
#include "common/exit_code.h"
#include "common/launch_spec.h"
#include "common/log.h"

namespace runcvm {

extern const std::string_view kDiskPrepUsage =
    "Usage: disk-prep\n\n"
    "Prepares the RUNCVM_DISKS backing files of this container (from /.runcvm/runcvm.json) and\n"
    "writes /.runcvm/fstab. Run in the container before QEMU starts (ctr-entrypoint does).\n";

int DiskPrepMain(int argc, char** argv) {
  if (argc != 1) {
    LogError("unexpected arguments; see --help");
    return kExitRuncvmFailed;
  }
  absl::StatusOr<LaunchSpec> spec = ReadLaunchSpec();
  absl::Status status = spec.ok() ? PrepareDisks(spec->vm.disks) : spec.status();
  if (!status.ok()) {
    LogError(status.message());
    return kExitRuncvmFailed;
  }
  return 0;
}

}  // namespace runcvm
