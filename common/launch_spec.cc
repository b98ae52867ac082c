#include "common/launch_spec.h"

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace runcvm {

absl::StatusOr<LaunchSpec> ParseLaunchSpec(const Json& doc) {
  LaunchSpec spec;
  const Json* process = FindMember(doc, "process");
  if (process == nullptr || !process->is_object()) {
    return absl::InvalidArgumentError("launch spec: missing process");
  }
  spec.process = *process;
  spec.terminal = GetBool(*process, "terminal").value_or(false);
  spec.hostname = GetString(doc, "hostname").value_or("");
  spec.init = GetBool(doc, "init").value_or(false);
  spec.readonly_root = GetBool(doc, "readonly_root").value_or(false);
  spec.runtime_debug_log = GetString(doc, "runtime_debug_log").value_or("");
  if (const Json* mounts = FindMember(doc, "guest_mounts"); mounts != nullptr) {
    absl::StatusOr<std::vector<GuestMount>> parsed = ParseGuestMounts(*mounts);
    if (!parsed.ok()) return Annotate(parsed.status(), "launch spec");
    spec.guest_mounts = std::move(*parsed);
  }
  if (const Json* binds = FindMember(doc, "binds"); binds != nullptr && binds->is_array()) {
    for (const Json& b : *binds) {
      if (!b.is_string()) return absl::InvalidArgumentError("launch spec: binds: expected strings");
      spec.binds.push_back(b.get<std::string>());
    }
  }
  if (const Json* dns = FindMember(doc, "external_dns"); dns != nullptr && dns->is_array()) {
    for (const Json& server : *dns) {
      if (server.is_string()) spec.external_dns.push_back(server.get<std::string>());
    }
  }
  const Json* vm = FindMember(doc, "vm");
  if (vm == nullptr) return absl::InvalidArgumentError("launch spec: missing vm");
  spec.vm.cpus = static_cast<int>(GetInt(*vm, "cpus").value_or(0));
  spec.vm.memory_mib = static_cast<int>(GetInt(*vm, "memory_mib").value_or(512));
  spec.vm.accel = GetString(*vm, "accel").value_or("auto");
  spec.vm.kernel = GetString(*vm, "kernel").value_or("");
  spec.vm.initrd = GetString(*vm, "initrd").value_or("");
  spec.vm.kernel_append = GetString(*vm, "kernel_append").value_or("");
  spec.vm.kernel_debug = GetBool(*vm, "kernel_debug").value_or(false);
  spec.vm.boot_timeout_s = static_cast<int>(GetInt(*vm, "boot_timeout_s").value_or(300));
  spec.vm.image_modules = GetString(*vm, "image_modules").value_or("");
  spec.vm.kernel_release = GetString(*vm, "kernel_release").value_or("");
  spec.vm.module_list = GetString(*vm, "module_list").value_or("");
  spec.vm.bios_debug = GetBool(*vm, "bios_debug").value_or(false);
  spec.vm.sys_admin = GetBool(*vm, "sys_admin").value_or(false);
  spec.vm.display = GetString(*vm, "display").value_or("none");
  if (spec.vm.display != "none" && spec.vm.display != "curses") {
    return absl::InvalidArgumentError(
        absl::StrCat("launch spec: vm.display: unknown display '", spec.vm.display, "'"));
  }
  if (const Json* breaks = FindMember(*vm, "breaks"); breaks && breaks->is_array()) {
    for (const Json& b : *breaks) {
      if (b.is_string()) spec.vm.breaks.push_back(b.get<std::string>());
    }
  }
  if (const Json* disks = FindMember(*vm, "disks"); disks && disks->is_array()) {
    for (const Json& d : *disks) {
      DiskSpec disk;
      disk.src = GetString(d, "src").value_or("");
      disk.dst = GetString(d, "dst").value_or("");
      disk.fs = GetString(d, "fs").value_or("");
      disk.size_bytes = GetInt(d, "size").value_or(0);
      if (disk.src.empty() || disk.dst.empty() || disk.fs.empty()) {
        return absl::InvalidArgumentError("launch spec: vm.disks: expected src, dst and fs");
      }
      spec.vm.disks.push_back(std::move(disk));
    }
  }
  if (spec.vm.kernel.empty()) return absl::InvalidArgumentError("launch spec: missing vm.kernel");
  if (spec.vm.memory_mib <= 0) return absl::InvalidArgumentError("launch spec: bad vm.memory_mib");
  return spec;
}

absl::StatusOr<LaunchSpec> ReadLaunchSpec(const std::string& path) {
  ASSIGN_OR_RETURN(Json doc, ReadJsonFile(path));
  absl::StatusOr<LaunchSpec> spec = ParseLaunchSpec(doc);
  if (!spec.ok()) return Annotate(spec.status(), path);
  return spec;
}

}  // namespace runcvm
