// initramfs: the first process of the bundled kernel (rdinit=/runcvm-initramfs)
//
// Loads the modules named in /runcvm-modules (with their dependencies from modules.dep), mounts
// the virtio-fs root (root=TAG rootfstype=virtiofs rw|ro rootflags=...), moves /dev, /proc and
// /sys into it, switches root and execs init= (default /opt/runcvm/bin/runcvm-vm-init) with the
// arguments after "--". On failure it prints one line and powers the VM off, so QEMU exits.
#include <fcntl.h>
#include <sys/reboot.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/initramfs.h"

namespace runcvm {

extern const std::string_view kInitramfsUsage =
    "Usage: runcvm-initramfs   (run by the kernel as rdinit=/runcvm-initramfs)\n\n"
    "The initramfs stage of the bundled kernel: loads the modules listed in /runcvm-modules,\n"
    "mounts the virtio-fs root named by root= (rootfstype=, rootflags=, rw/ro) on /newroot,\n"
    "moves /dev /proc /sys into it, switches root and execs init= (default\n"
    "/opt/runcvm/bin/runcvm-vm-init) with the kernel arguments after \"--\".\n"
    "On any failure: one line on the console, then power off.\n";

int InitramfsMain(int argc, char** argv) {
  if (getpid() != 1) {
    std::string msg = "runcvm initramfs: must run as PID 1 of a VM (rdinit=)\n";
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, msg.data(), msg.size());
    return kExitRuncvmFailed;
  }
  absl::Status status = RunInitramfs();
  // Until the console is up, stderr is closed: the kernel log reaches every console, and a
  // level-2 message is shown even under "quiet".
  std::string line = absl::StrCat("runcvm initramfs: ", status.message(), "\n");
  // A failure before the console was attached (e.g. loading a module) still deserves the
  // console: try to open it now, then fall back to the kernel log.
  if (fcntl(STDERR_FILENO, F_GETFD) == -1) {
    if (int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC); fd >= 0) {
      dup2(fd, STDERR_FILENO);
      if (fd != STDERR_FILENO) close(fd);
    }
  }
  if (fcntl(STDERR_FILENO, F_GETFD) != -1) {
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  } else if (int kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC); kmsg >= 0) {
    line.insert(0, "<2>");
    [[maybe_unused]] ssize_t n = write(kmsg, line.data(), line.size());
    close(kmsg);
  }
  sync();
  reboot(RB_POWER_OFF);
  // Only reached if reboot(2) failed; PID 1 exiting panics the kernel, and panic=-1 with QEMU's
  // -no-reboot still ends the VM.
  return kExitRuncvmFailed;
}

}  // namespace runcvm
