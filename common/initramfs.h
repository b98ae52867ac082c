// The initramfs stage of the bundled kernel: the static runcvm binary runs as /runcvm-initramfs
// (rdinit=), loads exactly the modules the VM needs, mounts the container's root filesystem from
// virtio-fs, switches to it and execs vm-init. Kept in one place so the applet's main is thin and
// the kernel-command-line parsing is testable on the host.
#ifndef RUNCVM_COMMON_INITRAMFS_H_
#define RUNCVM_COMMON_INITRAMFS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace runcvm {

inline constexpr std::string_view kDefaultVmInit = "/opt/runcvm/bin/runcvm-vm-init";
// The list of modules the initramfs loads (one name per line), written by kernels/Makefile.
inline constexpr std::string_view kInitramfsModuleList = "/runcvm-modules";

// What the initramfs takes from /proc/cmdline.
struct BootParams {
  std::string root;                 // root=: the virtio-fs tag (runcvmfs)
  std::string rootfstype = "virtiofs";
  std::string rootflags;            // rootflags=: data for mount(2)
  bool read_only = false;           // "ro"; "rw" (the default here) clears it
  std::string init = std::string(kDefaultVmInit);
  std::vector<std::string> init_args;  // everything after " -- "
};

// Parses a kernel command line as the kernel does: words separated by spaces, double quotes
// group (param="a b"), and everything after a bare "--" is for init.
BootParams ParseBootParams(std::string_view cmdline);

// Splits a kernel command line into words, honouring double quotes (which are removed).
std::vector<std::string> SplitKernelCmdline(std::string_view cmdline);

// The whole stage; returns only on failure (on success it has exec'd init).
absl::Status RunInitramfs();

}  // namespace runcvm

#endif  // RUNCVM_COMMON_INITRAMFS_H_
