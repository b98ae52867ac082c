// Unix-domain stream sockets: init listens (for QEMU's control chardev, virtiofsd's vhost-user
// connection and exec clients); ctr-exec connects.
#ifndef RUNCVM_COMMON_UNIX_SOCKET_H_
#define RUNCVM_COMMON_UNIX_SOCKET_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/fd.h"

namespace runcvm {

// Binds and listens at `path` (replacing a stale socket file), close-on-exec unless `inheritable`.
absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, bool inheritable = false);
absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path);
// Accepts one connection; an invalid fd when none is pending.
UniqueFd AcceptUnix(int listen_fd);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_UNIX_SOCKET_H_
