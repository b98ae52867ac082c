// The `create` rewrite: Docker's OCI config.json in, the container's config.json and the VM's
// launch spec (runcvm.json, shape in the contracts) out. A pure function of the document and a
// few facts about the host, so that it is tested against real Docker configs
// (tests/unit/fixtures, captured by tests/e2e/capture-config) and never half-applies: on any error
// nothing is returned and the runtime writes nothing.
//
// The container runs /opt/runcvm/bin/runcvm-ctr-entrypoint as root with the capabilities QEMU and
// virtiofsd need; the workload's own process (user, caps, cwd, env...) travels unchanged in the
// launch spec and is applied inside the VM.
#ifndef RUNCVM_COMMON_CONFIG_REWRITE_H_
#define RUNCVM_COMMON_CONFIG_REWRITE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json.h"
#include "common/options.h"

namespace runcvm {

// Where RunCVM's bundle appears inside every container (and so inside the VM).
inline constexpr std::string_view kContainerRuncvmRoot = "/opt/runcvm";
inline constexpr std::string_view kContainerEntrypoint = "/opt/runcvm/bin/runcvm-ctr-entrypoint";
inline constexpr std::string_view kContainerExec = "/opt/runcvm/bin/runcvm-ctr-exec";
// The container's view of the rootfs that virtiofsd serves as the VM's root.
inline constexpr std::string_view kVmMountpoint = "/vm";
// Mounts at or below /disks stay in the container: they hold RUNCVM_DISKS backing files.
inline constexpr std::string_view kDisksMountpoint = "/disks";

// Guest RAM without --memory (the original's default).
inline constexpr int64_t kDefaultMemoryMib = 512;
// The smallest guest RAM accepted. Measured with the bundled Debian 6.1 cloud kernel and our
// initramfs under TCG: 64 MiB does not boot (the kernel dies before its console is up), 72 MiB
// boots with 16 MiB available, 80 MiB with 24 MiB; 80 keeps that margin for the workload.
inline constexpr int64_t kMinMemoryMib = 80;
// With --memory M the container's cgroup limit becomes M + overhead, so that QEMU's own memory
// (device emulation, virtiofsd, page tables, the control channel's buffers) never pushes the
// container over its limit when the guest uses all of its RAM: the OOM killer would kill QEMU,
// i.e. the whole VM. overhead = kContainerMemoryOverheadMib + M/16; the fixed part is what the
// original found necessary (v1.5.0), the proportional part covers QEMU's per-RAM structures
// (dirty bitmaps, page tables) for larger guests.
inline constexpr int64_t kContainerMemoryOverheadMib = 256;
inline constexpr int64_t kMemoryOverheadDivisor = 16;
int64_t ContainerMemoryOverheadMib(int64_t guest_mib);

// The kernels of one distribution under <root>/kernels/<dist>/.
struct KernelDist {
  std::vector<std::string> versions;  // the version directories
  std::string latest;                 // what "latest" resolves to; "" when there is no link
};

// What the image says about its kernel (rootfs_lookup.h, FindImageKernel).
struct ImageKernel {
  std::string os_id;    // ID= of its os-release; "" when unknown
  std::string kernel;   // its kernel at the distribution's place, a resolved container path
  std::string release;  // that kernel's release (uname -r)
  std::string problem;  // why that kernel cannot be booted; "" when it can
};

struct HostFacts {
  std::string runcvm_root;     // the bundle on the host: dirname(dirname(realpath(/proc/self/exe)))
  std::string bundle_dir;      // the OCI bundle (absolute): config.json, runcvm.json
  bool has_kvm = false;        // /dev/kvm exists
  bool has_vhost_net = false;  // /dev/vhost-net exists
  // The config's network namespace path is the host's own (Docker 20.10 gives --network=host
  // containers the path of its "default" sandbox, which is the host namespace).
  bool netns_path_is_host = false;
  // The config's network namespace path names a namespace no process is in yet: one the engine
  // made for this container alone (Podman with netavark or CNI creates /run/netns/netns-<id> and
  // configures it before `create`), not one shared with a running container (Docker's
  // --network=container: gives /proc/<pid>/ns/net, Podman pods the infra container's namespace).
  bool netns_path_unused = false;
  std::map<std::string, KernelDist> kernels;  // by distribution
  ImageKernel image_kernel;
  // The runtime's own bounding set (bit N = capability N). runc fails with "unable to apply caps:
  // operation not permitted" when asked for a capability it does not hold itself, so RunCVM's
  // extra capabilities are requested only when the host has them (a sandboxed dockerd may not).
  uint64_t available_caps = ~uint64_t{0};
  // The servers Docker's embedded DNS forwards to, which the VM asks itself (dns_servers.h).
  std::vector<std::string> external_dns;
};

struct RewriteResult {
  Json config;  // the container's config.json
  Json spec;    // runcvm.json
};

absl::StatusOr<RewriteResult> RewriteConfig(const Json& config, const HostFacts& facts);

// The rootfs as a host path: .root.path, relative paths resolved against the bundle.
absl::StatusOr<std::string> RootfsPath(const Json& config, const std::string& bundle_dir);

// The capabilities of the container's processes (entrypoint, init, QEMU, virtiofsd): RunCVM's fixed
// set (those of it in `available_caps`) in all five sets, never the workload's. Shared with the
// exec rewrite.
Json ContainerCapabilities(uint64_t available_caps);

// Docker's process.env as strings (non-strings are an error naming config.json).
absl::StatusOr<std::vector<std::string>> ProcessEnv(const Json& process, std::string_view what);

// The destinations of the config's mounts other than "/", as the workload sees them (used to skip
// the executable check for commands on volumes).
std::vector<std::string> MountDestinations(const Json& config);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_CONFIG_REWRITE_H_
