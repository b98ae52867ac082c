// The one applet table. Keep it sorted by name: dispatch is a binary search, and a unit test
// checks the order.
#include "applets/applets.h"

namespace runcvm {
namespace {

const Applet kApplets[] = {
    {"ctr-entrypoint", CtrEntrypointMain,
     "container PID 1 at first: saves the workload, rewires the network, then becomes init",
     kCtrEntrypointUsage},
    {"ctr-exec", CtrExecMain, "runs a `docker exec` command in the VM over the control channel",
     kCtrExecUsage},
    {"disk-prep", DiskPrepMain, "creates and formats RUNCVM_DISKS backing files", kDiskPrepUsage},
    {"init", InitMain, "container PID 1: supervises QEMU, relays stdio, signals and exit status",
     kInitUsage},
    {"initramfs", InitramfsMain, "VM initramfs stage: loads modules, mounts the virtio-fs root",
     kInitramfsUsage},
    {"qemu-exit", QemuExitMain, "ends the VM with an exit code (compatibility)", kQemuExitUsage},
    {"runtime", RuntimeMain, "the OCI runtime: rewrites config.json/process.json, then runs runc",
     kRuntimeUsage},
    {"setup", SetupMain, "the installer's host-side steps: daemon.json, containers.conf, bundle link",
     kSetupUsage},
    {"vm-init", VmInitMain, "VM PID 1: restores the container's world, runs the workload",
     kVmInitUsage},
    {"vm-start", VmStartMain, "applies user, capabilities, rlimits, cwd and env, then execs",
     kVmStartUsage},
};

}  // namespace

std::span<const Applet> AllApplets() { return kApplets; }

}  // namespace runcvm
