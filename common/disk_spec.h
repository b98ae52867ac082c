// RUNCVM_DISKS='<src>,<dst>,<fs>[,<size>];...': file-backed virtio-blk disks. Parsing and checking
// the spec is pure (unit-tested); disks.h does the work in the container before QEMU starts.
#ifndef RUNCVM_COMMON_DISK_SPEC_H_
#define RUNCVM_COMMON_DISK_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace runcvm {

struct DiskSpec {
  std::string src;         // the backing file, a container path (under /disks: container-only)
  std::string dst;         // where the VM mounts it
  std::string fs;          // ext2, ext3, ext4
  int64_t size_bytes = 0;  // 0: none given (the backing file must exist then)
};

// The smallest backing file mke2fs formats (256 KiB), rounded up to a figure users can remember,
// and the largest each filesystem can address with 4 KiB blocks (ext2/ext3 have 32-bit block
// numbers; ext4 gets mke2fs's 64bit feature by default).
inline constexpr int64_t kMinDiskBytes = int64_t{1} << 20;
int64_t MaxDiskBytes(std::string_view fs);

// A size in truncate(1)'s format: digits with an optional K, M, G, T, P or E (powers of 1024,
// also written KiB...) or KB, MB, ... (powers of 1000). nullopt when malformed or too large.
std::optional<int64_t> ParseDiskSize(std::string_view text);

// Parses the whole option value; the error says what is wrong with which disk, e.g.
//   disk 2 ('/d,/home'): missing <filesystem> (want <src>,<dst>,<filesystem>[,<size>])
absl::StatusOr<std::vector<DiskSpec>> ParseDiskSpecs(std::string_view value);

// The serial number QEMU gives disk `index` (at most 20 bytes, virtio-blk's limit); the guest
// finds the disk by it in /sys/block/vd*/serial.
std::string DiskSerial(size_t index);

// The fstab line for disk `index`: /dev/disk/by-id/virtio-<serial> <dst> <fs> defaults,noatime 0 0
// (the guest makes that link, as udev would).
std::string DiskFstabLine(const DiskSpec& disk, size_t index);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_DISK_SPEC_H_
