// qemu-exit CODE
//
// Ends the VM at once with exit code CODE (0-127), for compatibility with the original RunCVM,
// whose workloads call /opt/runcvm/sbin/qemu-exit. RunCVM reports the workload's exit status by
// itself, so new code need not call this.
//
// It writes CODE to /.runcvm/exit-code and asks the guest agent (through /.runcvm/qemu-exit) to end
// the workload, whose output is still delivered. Where /.runcvm is not writable it falls back to
// the original's port I/O, which needs CAP_SYS_RAWIO: CODE 0 powers off through ACPI; CODE 1-127
// writes CODE-1 to QEMU's isa-debug-exit port, so QEMU exits with 2*(CODE-1)+1, decoded back to
// CODE by `init` in the container.
#include <sys/io.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kQemuExitUsage =
    "Usage: qemu-exit CODE\n\n"
    "Ends the VM immediately; the container exits with CODE (0-127).\n";

namespace {

constexpr uint16_t kIsaDebugExitPort = 0x501;  // QEMU's isa-debug-exit default iobase
constexpr uint16_t kAcpiPm1aControl = 0x604;    // q35 PM1a control block
constexpr uint16_t kAcpiSleepS5 = 0x2000;       // SLP_EN | SLP_TYP(S5) on q35

bool RequestExitFromAgent(int code) {
  return WriteFile("/.runcvm/exit-code", absl::StrCat(code, "\n")).ok() &&
         WriteFile("/.runcvm/qemu-exit", "").ok();
}

}  // namespace

int QemuExitMain(int argc, char** argv) {
  int code = 0;
  if (argc != 2 || !absl::SimpleAtoi(argv[1], &code) || code < 0 || code > 127) {
    LogError("expected one exit code between 0 and 127; see --help");
    return kExitRuncvmFailed;
  }
  if (RequestExitFromAgent(code)) {
    for (;;) pause();  // the agent ends the workload's namespace, and this process with it
  }
  if (code == 0) {
    if (ioperm(kAcpiPm1aControl, 2, 1) != 0) {
      LogError(ErrnoError(errno, "ioperm ACPI PM1a port").message());
      return kExitRuncvmFailed;
    }
    outw(kAcpiSleepS5, kAcpiPm1aControl);
  } else {
    if (ioperm(kIsaDebugExitPort, 1, 1) != 0) {
      LogError(ErrnoError(errno, "ioperm isa-debug-exit port").message());
      return kExitRuncvmFailed;
    }
    outb(static_cast<uint8_t>(code - 1), kIsaDebugExitPort);
  }
  LogError("the VM did not stop: is this running inside a RunCVM VM?");
  return kExitRuncvmFailed;
}

}  // namespace runcvm
