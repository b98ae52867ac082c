// Finding a named virtio-serial port in the guest (/sys/class/virtio-ports/*/name) without udev.
#ifndef RUNCVM_COMMON_VIRTIO_PORT_H_
#define RUNCVM_COMMON_VIRTIO_PORT_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "common/fd.h"

namespace runcvm {

// Opens /dev/<vportNpM> for the port called `name`, waiting briefly for the device to appear.
absl::StatusOr<UniqueFd> OpenVirtioPort(std::string_view name);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_VIRTIO_PORT_H_
