// The multicall dispatch: one sorted table of applets, chosen by basename(argv[0]) (with an
// optional "runcvm-" prefix) or by `runcvm <applet> ...`, as busybox and toybox do.
#ifndef RUNCVM_COMMON_APPLET_H_
#define RUNCVM_COMMON_APPLET_H_

#include <span>
#include <string_view>

namespace runcvm {

struct Applet {
  std::string_view name;
  int (*main)(int argc, char** argv);  // argv[0] is the applet's name
  std::string_view summary;            // one line, for `runcvm --help`
  std::string_view usage;              // the applet's --help text
};

// "/opt/runcvm/bin/runcvm-init" -> "init"; "runcvm" -> "runcvm".
std::string_view AppletNameFromArgv0(std::string_view argv0);

// Binary search in a table sorted by name; nullptr when absent.
const Applet* FindApplet(std::span<const Applet> table, std::string_view name);

// True when the table is strictly sorted by name (checked by a unit test and a static_assert).
constexpr bool IsSortedByName(std::span<const Applet> table) {
  for (size_t i = 1; i < table.size(); ++i) {
    if (!(table[i - 1].name < table[i].name)) return false;
  }
  return true;
}

// Runs the applet named by argv; returns the process exit code.
int Dispatch(std::span<const Applet> table, int argc, char** argv);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_APPLET_H_
