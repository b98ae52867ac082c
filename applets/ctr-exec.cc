// ctr-exec SPEC_JSON
//
// Not yet implemented: this applet's behaviour belongs to a later issue.
#include "applets/applets.h"
#include "common/exit_code.h"
#include "common/log.h"

namespace runcvm {

extern const std::string_view kCtrExecUsage = "Usage: ctr-exec SPEC_JSON\n\nNot yet implemented.\n";

int CtrExecMain(int argc, char** argv) {
  LogError("not yet implemented");
  return kExitRuncvmFailed;
}

}  // namespace runcvm
