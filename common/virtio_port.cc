#include "common/virtio_port.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/status.h"

namespace runcvm {
namespace {

constexpr char kPortsDir[] = "/sys/class/virtio-ports";
constexpr absl::Duration kWaitForPort = absl::Seconds(10);

std::string FindPortDevice(std::string_view name) {
  DIR* dir = opendir(kPortsDir);
  if (dir == nullptr) return "";
  std::string device;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    absl::StatusOr<std::string> port_name =
        ReadFile(absl::StrCat(kPortsDir, "/", entry->d_name, "/name"));
    if (port_name.ok() && absl::StripTrailingAsciiWhitespace(*port_name) == name) {
      device = absl::StrCat("/dev/", entry->d_name);
      break;
    }
  }
  closedir(dir);
  return device;
}

}  // namespace

absl::StatusOr<UniqueFd> OpenVirtioPort(std::string_view name) {
  absl::Time deadline = absl::Now() + kWaitForPort;
  for (;;) {
    std::string device = FindPortDevice(name);
    if (!device.empty()) {
      UniqueFd fd(open(device.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
      if (fd.valid()) return fd;
      if (absl::Now() > deadline) return ErrnoError(errno, absl::StrCat("open ", device));
    } else if (absl::Now() > deadline) {
      return absl::NotFoundError(absl::StrCat("no virtio-serial port named ", name));
    }
    usleep(20 * 1000);
  }
}

}  // namespace runcvm
