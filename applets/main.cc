// The runcvm multicall binary: everything is an applet (see applets/table.cc).
#include "applets/applets.h"

int main(int argc, char** argv) { return runcvm::Dispatch(runcvm::AllApplets(), argc, argv); }
