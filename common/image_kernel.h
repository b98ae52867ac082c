// Booting an image's own kernel (seed README, "Kernel auto-detection"): when RUNCVM_KERNEL is not
// given and the image carries a kernel at its distribution's place, the VM boots that kernel.
//
// Its own initramfs cannot mount our virtio-fs root (Debian's initramfs-tools waits for a block
// device), so the image's kernel boots with OUR initramfs instead, extended at container start by
// a second cpio archive (the kernel unpacks concatenated archives in order) holding the image's
// /lib/modules/<version>/modules.dep and the modules of the bundled kernel's list, taken from the
// image's own module tree. After the switch to the root, /lib/modules/<version> is the image's.
#ifndef RUNCVM_COMMON_IMAGE_KERNEL_H_
#define RUNCVM_COMMON_IMAGE_KERNEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace runcvm {

// The ID= of an os-release file (quotes removed); "" when there is none.
std::string ParseOsReleaseId(std::string_view text);

// Where a distribution keeps its kernel and initramfs (the seed's table); nullopt for others.
struct DistroKernelPaths {
  std::string_view kernel, initrd;
};
std::optional<DistroKernelPaths> InImageKernelPaths(std::string_view os_id);

// The release ("6.1.0-56-amd64") from the first bytes of an x86 bzImage: the setup header's
// kernel_version field (offset 0x20e) points at a NUL-terminated string, 0x200 bytes earlier.
// "" when the bytes are not a bzImage with a version string.
std::string BzImageRelease(std::string_view head);

// One member of a newc ("070701") cpio archive; directories have empty data.
void AppendNewcEntry(std::string* archive, std::string_view name, uint32_t mode,
                     std::string_view data);
// The trailer, padded so another archive may follow.
void AppendNewcTrailer(std::string* archive);

// Writes to `out` the bundled initrd `base` followed by an archive with `modules_dir`'s
// modules.dep and the modules named in `module_list` (and their dependencies) under
// /lib/modules/<release>/. Modules built into the kernel (absent from modules.dep) are skipped.
absl::Status BuildImageKernelInitrd(const std::string& base, const std::string& modules_dir,
                                    const std::string& module_list, const std::string& release,
                                    const std::string& out);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_IMAGE_KERNEL_H_
