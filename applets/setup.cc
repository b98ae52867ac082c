// setup COMMAND ARGS...
//
// The host-side steps of the single-file installer (installer/stub.sh), which runs them from the
// bundle it carries: a Docker host has a POSIX shell and tar, but no jq or python to edit JSON
// with, and the edits must be exact (other keys and runtimes, order, permissions, a backup, a
// byte-for-byte restore on uninstall). The logic is in common/host_config*.cc and
// common/bundle_versions.cc.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "applets/applets.h"
#include "common/bundle_versions.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/host_config_file.h"
#include "common/log.h"
#include "common/qemu.h"
#include "common/runc_cli.h"
#include "common/status.h"

namespace runcvm {

extern const std::string_view kSetupUsage =
    "Usage: setup COMMAND ARGS...\n\n"
    "The installer's host-side steps (runcvm-installer runs them from its own bundle):\n"
    "  probe                                   what the host offers: KVM, /dev/net/tun, runc\n"
    "  register [--check] docker|podman FILE NAME PATH\n"
    "                                          add runtime NAME -> PATH to daemon.json or\n"
    "                                          containers.conf (--check: only say whether it can)\n"
    "  unregister docker|podman FILE NAME      take runtime NAME out again; the file as it was\n"
    "                                          before `register` when nothing else changed it\n"
    "  empty-runtimes FILE                     add `\"runtimes\": {}` to daemon.json FILE (created if\n"
    "                                          missing) when it has no runtimes; exit 1 if it has\n"
    "  activate LINK TARGET RETIRED            point the symlink LINK at TARGET atomically (a\n"
    "                                          directory at LINK is moved to RETIRED)\n"
    "  users DIR                               the running containers that use bundle DIR;\n"
    "                                          exit 0 when there are some, 1 when none\n";

namespace {

int Fail(const absl::Status& status) {
  LogError(status.message());
  return kExitRuncvmFailed;
}

int Usage(std::string_view what) {
  LogError(absl::StrCat(what, "; see --help"));
  return kExitRuncvmFailed;
}

bool ParseKind(std::string_view s, HostConfigKind* kind) {
  if (s == "docker") *kind = HostConfigKind::kDocker;
  else if (s == "podman") *kind = HostConfigKind::kPodman;
  else return false;
  return true;
}

// One line per fact, "name: value", for the installer to print as it goes.
int Probe() {
  absl::Status kvm = ProbeKvm();
  std::printf("kvm: %s\n", kvm.ok() ? "usable"
                                    : absl::StrCat("not usable (", kvm.message(), ")").c_str());
  std::printf("tun: %s\n", PathExists("/dev/net/tun") ? "/dev/net/tun" : "missing (modprobe tun)");
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  absl::StatusOr<std::string> runc =
      FindRunc(nullptr, getenv("PATH"), std::string(self, n > 0 ? n : 0));
  std::printf("runc: %s\n", runc.ok() ? runc->c_str()
                                      : absl::StrCat("not found (", runc.status().message(), ")").c_str());
  return 0;
}

}  // namespace

int SetupMain(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("expected a command");
  std::string_view cmd = args[0];
  args.erase(args.begin());
  if (cmd == "probe" && args.empty()) return Probe();
  if (cmd == "register" || cmd == "unregister") {
    bool check = cmd == "register" && !args.empty() && args[0] == "--check";
    if (check) args.erase(args.begin());
    HostConfigKind kind;
    size_t want = cmd == "register" ? 4 : 3;
    if (args.size() != want || !ParseKind(args[0], &kind)) {
      return Usage(absl::StrCat(cmd, ": expected docker|podman FILE NAME",
                                cmd == "register" ? " PATH" : ""));
    }
    std::string file(args[1]);
    absl::StatusOr<RegistrationResult> r =
        cmd == "register" ? RegisterRuntime(kind, file, args[2], args[3], check)
                          : UnregisterRuntime(kind, file, args[2]);
    if (!r.ok()) return Fail(r.status());
    std::printf("%s\n", r->message.c_str());
    return 0;
  }
  if (cmd == "empty-runtimes" && args.size() == 1) {
    std::string file(args[0]);
    absl::StatusOr<std::string> text =
        PathExists(file) ? ReadFile(file) : absl::StatusOr<std::string>("");
    if (!text.ok()) return Fail(text.status());
    absl::StatusOr<std::optional<std::string>> updated = AddEmptyDockerRuntimes(*text);
    if (!updated.ok()) return Fail(Annotate(updated.status(), file));
    if (!updated->has_value()) return 1;
    absl::Status written = WriteFileAtomic(file, **updated);
    if (!written.ok()) return Fail(written);
    return 0;
  }
  if (cmd == "activate" && args.size() == 3) {
    absl::StatusOr<std::string> r =
        ActivateBundle(std::string(args[0]), std::string(args[1]), std::string(args[2]));
    if (!r.ok()) return Fail(r.status());
    std::printf("%s\n", r->c_str());
    return 0;
  }
  if (cmd == "users" && args.size() == 1) {
    absl::StatusOr<std::vector<std::string>> users = BundleUsers(std::string(args[0]));
    if (!users.ok()) return Fail(users.status());
    for (const std::string& u : *users) std::printf("%s\n", u.c_str());
    return users->empty() ? 1 : 0;
  }
  return Usage(absl::StrCat("unknown command or wrong arguments: ", cmd));
}

}  // namespace runcvm
