// runtime [RUNC GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]
//
// Not yet implemented: this applet's behaviour belongs to a later issue.
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/log.h"

namespace runcvm {

extern const std::string_view kRuntimeUsage = "Usage: runtime [RUNC GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\nNot yet implemented.\n";

int RuntimeMain(int argc, char** argv) {
  LogError("not yet implemented");
  return kExitRuncvmFailed;
}

}  // namespace runcvm
