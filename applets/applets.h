// Every applet's entry point and --help text. Each is defined in applets/<name>.cc; the table that
// dispatches to them is applets/table.cc.
#ifndef RUNCVM_APPLETS_APPLETS_H_
#define RUNCVM_APPLETS_APPLETS_H_

#include <span>
#include <string_view>

#include "common/applet.h"

namespace runcvm {

#define RUNCVM_DECLARE_APPLET(Name)        \
  int Name##Main(int argc, char** argv);   \
  extern const std::string_view k##Name##Usage

RUNCVM_DECLARE_APPLET(CtrEntrypoint);
RUNCVM_DECLARE_APPLET(CtrExec);
RUNCVM_DECLARE_APPLET(DiskPrep);
RUNCVM_DECLARE_APPLET(Init);
RUNCVM_DECLARE_APPLET(Initramfs);
RUNCVM_DECLARE_APPLET(QemuExit);
RUNCVM_DECLARE_APPLET(Runtime);
RUNCVM_DECLARE_APPLET(Setup);
RUNCVM_DECLARE_APPLET(VmInit);
RUNCVM_DECLARE_APPLET(VmStart);

#undef RUNCVM_DECLARE_APPLET

// The applet table, sorted by name.
std::span<const Applet> AllApplets();

}  // namespace runcvm

#endif  // RUNCVM_APPLETS_APPLETS_H_
