#include "common/exec_rewrite.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/config_rewrite.h"

namespace runcvm {

absl::StatusOr<Json> RewriteProcess(const Json& process, uint64_t available_caps) {
  try {
    if (!process.is_object()) {
      return absl::InvalidArgumentError("process.json: expected an object");
    }
    const Json* args = FindMember(process, "args");
    if (args == nullptr || !args->is_array() || args->empty() ||
        !std::all_of(args->begin(), args->end(), [](const Json& a) { return a.is_string(); })) {
      return absl::InvalidArgumentError(
          "process.json: args: expected a non-empty array of strings");
    }
    Json out = process;
    if ((*args)[0].get<std::string>() == kContainerEscape) {
      Json& out_args = out["args"];
      out_args.erase(out_args.begin());
      if (out_args.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("process.json: args: nothing to run after ", kContainerEscape));
      }
      return out;
    }
    out["args"] = Json::array({kContainerExec, SerializeJson(process)});
    out["user"] = Json{{"uid", 0}, {"gid", 0}};
    out["cwd"] = "/";
    // ctr-exec only talks to init: the session's own capabilities (all of them for --privileged)
    // are applied in the VM. Passing them here would make runc fail the exec on a host whose
    // bounding set lacks one ("unable to apply caps"), as runc's own privileged exec does.
    out["capabilities"] = ContainerCapabilities(available_caps);
    out["noNewPrivileges"] = false;
    return out;
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("process.json: ", e.what()));
  }
}

}  // namespace runcvm
