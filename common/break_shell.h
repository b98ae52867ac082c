// RUNCVM_BREAK=prenet,postnet,preqemu: an interactive shell at that point of the container's boot
// (before the network is handed to the VM, after it, just before QEMU starts), on the container's
// terminal (docker run -it). The boot goes on when the shell exits.
#ifndef RUNCVM_COMMON_BREAK_SHELL_H_
#define RUNCVM_COMMON_BREAK_SHELL_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace runcvm {

// When `breaks` names `point`: prints `what` and runs the image's /bin/sh (the container's root
// is the image) on stdin/stdout/stderr, and waits for it.
absl::Status MaybeBreak(std::span<const std::string> breaks, std::string_view point,
                        std::string_view what);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_BREAK_SHELL_H_
