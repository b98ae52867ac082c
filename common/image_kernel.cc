#include "common/image_kernel.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/fd.h"
#include "common/kmod.h"
#include "common/status.h"

namespace runcvm {

std::string ParseOsReleaseId(std::string_view text) {
  for (std::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!absl::ConsumePrefix(&line, "ID=")) continue;
    if (line.size() >= 2 && (line.front() == '"' || line.front() == '\'') &&
        line.back() == line.front()) {
      line = line.substr(1, line.size() - 2);
    }
    return std::string(line);
  }
  return "";
}

std::optional<DistroKernelPaths> InImageKernelPaths(std::string_view os_id) {
  if (os_id == "debian") return DistroKernelPaths{"/vmlinuz", "/initrd.img"};
  if (os_id == "ubuntu") return DistroKernelPaths{"/boot/vmlinuz", "/boot/initrd.img"};
  if (os_id == "alpine") return DistroKernelPaths{"/boot/vmlinuz-virt", "/boot/initramfs-virt"};
  return std::nullopt;
}

std::string BzImageRelease(std::string_view head) {
  if (head.size() < 0x210 || head.substr(0x202, 4) != "HdrS") return "";
  uint16_t offset = static_cast<uint8_t>(head[0x20e]) | static_cast<uint8_t>(head[0x20f]) << 8;
  size_t at = size_t{offset} + 0x200;
  if (offset == 0 || at >= head.size()) return "";
  std::string_view s = head.substr(at);
  s = s.substr(0, std::min(s.find('\0'), s.find(' ')));
  if (s.empty() || s.size() > 64 || !std::all_of(s.begin(), s.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+';
      })) {
    return "";
  }
  return std::string(s);
}

namespace {

void PadTo4(std::string* a) {
  while (a->size() % 4 != 0) a->push_back('\0');
}

}  // namespace

void AppendNewcEntry(std::string* a, std::string_view name, uint32_t mode, std::string_view data) {
  static uint32_t ino = 1;
  // magic ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize
  // check, all 8-digit hex.
  absl::StrAppend(a, "070701",
                  absl::StrFormat("%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino++,
                                  mode, 0, 0, 1, 0, data.size(), 0, 0, 0, 0, name.size() + 1, 0));
  absl::StrAppend(a, name);
  a->push_back('\0');
  PadTo4(a);
  absl::StrAppend(a, data);
  PadTo4(a);
}

void AppendNewcTrailer(std::string* a) {
  AppendNewcEntry(a, "TRAILER!!!", 0, "");
  // The kernel skips zeros between archives; 512-byte alignment is what cpio itself writes.
  while (a->size() % 512 != 0) a->push_back('\0');
}

absl::Status BuildImageKernelInitrd(const std::string& base, const std::string& modules_dir,
                                    const std::string& module_list, const std::string& release,
                                    const std::string& out) {
  ASSIGN_OR_RETURN(std::string archive, ReadFile(base));
  PadTo4(&archive);
  ASSIGN_OR_RETURN(std::string list, ReadFile(module_list));
  const std::string dep_path = absl::StrCat(modules_dir, "/modules.dep");
  ASSIGN_OR_RETURN(std::string dep_text, ReadFile(dep_path));
  absl::StatusOr<ModuleIndex> index = ParseModulesDep(dep_text);
  if (!index.ok()) return Annotate(index.status(), dep_path);
  absl::StatusOr<LoadPlan> plan = PlanModuleLoads(*index, ParseModuleList(list));
  if (!plan.ok()) return Annotate(plan.status(), dep_path);
  const std::string root = absl::StrCat("lib/modules/", release);
  std::string extra;
  AppendNewcEntry(&extra, "lib", 040755, "");
  AppendNewcEntry(&extra, "lib/modules", 040755, "");
  AppendNewcEntry(&extra, root, 040755, "");
  AppendNewcEntry(&extra, absl::StrCat(root, "/modules.dep"), 0100644, dep_text);
  std::vector<std::string> dirs;
  for (const std::string& path : plan->paths) {
    // Parent directories first, once each (the kernel does not create them).
    std::string prefix = root;
    std::vector<std::string_view> parts = absl::StrSplit(path, '/');
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      absl::StrAppend(&prefix, "/", parts[i]);
      if (std::find(dirs.begin(), dirs.end(), prefix) == dirs.end()) {
        dirs.push_back(prefix);
        AppendNewcEntry(&extra, prefix, 040755, "");
      }
    }
    ASSIGN_OR_RETURN(std::string module, ReadFile(absl::StrCat(modules_dir, "/", path)));
    AppendNewcEntry(&extra, absl::StrCat(root, "/", path), 0100644, module);
  }
  AppendNewcTrailer(&extra);
  archive += extra;
  return WriteFileAtomic(out, archive, 0600);
}

}  // namespace runcvm
