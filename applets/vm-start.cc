// vm-start
//
// Not yet implemented: this applet's behaviour belongs to a later issue.
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/log.h"

namespace runcvm {

extern const std::string_view kVmStartUsage = "Usage: vm-start\n\nNot yet implemented.\n";

int VmStartMain(int argc, char** argv) {
  LogError("not yet implemented");
  return kExitRuncvmFailed;
}

}  // namespace runcvm
