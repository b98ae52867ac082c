#include "common/applet.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/log.h"

namespace runcvm {
namespace {

constexpr std::string_view kBinaryName = "runcvm";

void Print(int fd, std::string_view text) { (void)WriteAll(fd, text); }

std::string TopLevelHelp(std::span<const Applet> table) {
  std::string help = absl::StrCat(
      "Usage: runcvm APPLET [ARGS...]   or   runcvm-APPLET [ARGS...] (through a symlink)\n\n"
      "RunCVM ", RUNCVM_VERSION, ": runs containers as lightweight virtual machines.\n"
      "Every applet takes --help.\n\nApplets:\n");
  for (const Applet& applet : table) {
    absl::StrAppend(&help, "  ", applet.name, std::string(16 - std::min<size_t>(applet.name.size(), 15), ' '),
                    applet.summary, "\n");
  }
  return help;
}

}  // namespace

std::string_view AppletNameFromArgv0(std::string_view argv0) {
  if (size_t slash = argv0.rfind('/'); slash != std::string_view::npos) {
    argv0.remove_prefix(slash + 1);
  }
  if (argv0 != kBinaryName && absl::StartsWith(argv0, "runcvm-")) argv0.remove_prefix(7);
  return argv0;
}

const Applet* FindApplet(std::span<const Applet> table, std::string_view name) {
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Applet& a, std::string_view n) { return a.name < n; });
  return it != table.end() && it->name == name ? &*it : nullptr;
}

int Dispatch(std::span<const Applet> table, int argc, char** argv) {
  std::string_view name = argc > 0 ? AppletNameFromArgv0(argv[0]) : kBinaryName;
  if (name == kBinaryName) {
    std::string_view first = argc > 1 ? argv[1] : "--help";
    if (first == "--help" || first == "-h" || first == "help") {
      Print(STDOUT_FILENO, TopLevelHelp(table));
      return argc > 1 ? kExitOk : kExitRuncvmFailed;
    }
    if (first == "--version") {
      Print(STDOUT_FILENO, absl::StrCat("runcvm ", RUNCVM_VERSION, "\n"));
      return kExitOk;
    }
    name = first;
    --argc;
    ++argv;
  }
  const Applet* applet = FindApplet(table, name);
  if (applet == nullptr) {
    Print(STDERR_FILENO, absl::StrCat("runcvm: applet not found: ", name, "\n"));
    return kExitNotFound;
  }
  // --help is only recognised as the first argument: later ones belong to the workload.
  if (argc > 1 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    Print(STDOUT_FILENO, applet->usage);
    return kExitOk;
  }
  SetLogPrefix(absl::StrCat("runcvm ", applet->name));
  return applet->main(argc, argv);
}

}  // namespace runcvm
