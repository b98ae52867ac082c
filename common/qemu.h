// Launching the VM: which accelerator to use, and QEMU's command line for it. The command line is
// a pure function of a QemuConfig so that every flag is covered by unit tests; the one probe of
// the host (/dev/kvm) sits in ChooseAccelerator.
#ifndef RUNCVM_COMMON_QEMU_H_
#define RUNCVM_COMMON_QEMU_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/protocol.h"

namespace runcvm {

enum class Accel { kKvm, kTcg };
std::string_view AccelName(Accel accel);

// OK when KVM is usable for an ordinary guest: what QEMU itself will need, a hardware vendor module
// (kvm_intel or kvm_amd), read-write access to `device` and the stable API (12). Also reported by
// the installer.
absl::Status ProbeKvm(const std::string& device = "/dev/kvm");

// `requested` is RUNCVM_ACCEL: "auto" (or empty) picks KVM when /dev/kvm opens read-write and
// answers KVM_GET_API_VERSION, else TCG with a warning; "kvm" fails without a usable /dev/kvm;
// "tcg" always emulates. Logs the choice. `kvm_device` is a seam for tests.
absl::StatusOr<Accel> ChooseAccelerator(std::string_view requested,
                                        const std::string& kvm_device = "/dev/kvm");

// The virtio-fs tag the initramfs mounts as the root (root=runcvmfs).
inline constexpr std::string_view kVirtiofsTag = "runcvmfs";

struct QemuNic {
  int tap_fd = -1;      // an open tap (inherited by QEMU), or
  std::string ifname;   // a tap device QEMU opens itself
  std::string mac;      // "52:54:00:..."
};

struct QemuDisk {
  std::string path;
  std::string format = "raw";
  std::string serial;   // /dev/disk/by-id/virtio-<serial> in the VM
  bool read_only = false;
};

struct QemuConfig {
  std::string qemu_binary = "/opt/runcvm/bin/qemu-system-x86_64";
  // When set, argv starts with this dynamic loader: a staged bundle outside /opt/runcvm cannot
  // rely on the interpreter path patched into the binary.
  std::string loader;
  std::string firmware_dir = "/opt/runcvm/share/qemu";  // -L
  Accel accel = Accel::kTcg;
  // TCG translation-cache size; 0 keeps QEMU's default (1 GiB of reserved address space).
  int tcg_tb_size_mib = 0;
  int cpus = 1;
  int memory_mib = 512;
  std::string kernel;
  std::string initrd;
  std::string append;
  std::string virtiofs_socket;  // vhost-user socket served by virtiofsd
  std::string control_socket;   // a listening unix socket QEMU connects to (runcvm.ctl)
  // Kernel console (hvc0): a file or a /dev/fd/N path QEMU writes to; empty for none.
  std::string console_path;
  std::vector<QemuNic> nics;
  std::vector<QemuDisk> disks;
  // A 16550 serial port (ttyS0) written to this file; empty for none. RUNCVM_KERNEL_DEBUG makes it
  // the kernel's console: built into the kernel, it shows the boot from the first line, where
  // hvc0 only exists once virtio_console is loaded.
  std::string serial_path;
  // RUNCVM_BIOS_DEBUG: SeaBIOS's debug port (0x402) written to this file; empty for none.
  std::string bios_debug_path;
  // -display: "none", or "curses" (QEMU draws the VGA text screen on its stdout and turns the
  // keys read from its stdin into PS/2 keyboard events).
  std::string display = "none";
  // -vga: empty for none (-nodefaults), "std" for a VGA card whose text mode curses can show.
  std::string vga;
};

// A value inside a QEMU option list ("path=...,id=..."): commas are doubled, QEMU's escape.
std::string QemuOptValue(std::string_view value);

// QEMU's full argv (argv[0] first) for `config`.
std::vector<std::string> QemuArgs(const QemuConfig& config);

// What QEMU's curses display needs in its environment ("NAME=VALUE", added to the inherited one)
// to work in any image, from the bundle at `bundle`: ncurses reads the terminal's description
// from TERMINFO (a few common ones are bundled; the image's own are searched after them); glibc's
// iconv loads the CP437 converter for the VGA font from GCONV_PATH (QEMU exits without it); the
// bundled C.UTF-8 locale (LOCPATH, LC_ALL) whatever the image sets, since its locale files need
// not match the bundled glibc: the VGA font's line-drawing characters and symbols are written in
// UTF-8, as the original RunCVM's QEMU (Alpine, musl) did; in the C locale they would be lost.
// `term` is the container's TERM (Docker sets xterm with -t); xterm when empty.
std::vector<std::string> CursesEnvironment(std::string_view bundle, std::string_view term);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_QEMU_H_
