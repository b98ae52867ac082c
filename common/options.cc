#include "common/options.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace runcvm {
namespace {

// A validator returns nullopt when `value` is acceptable, else what was expected ("expected ...").
using Validator = std::optional<std::string> (*)(std::string_view value);

struct OptionSpec {
  OptionInfo info;
  Validator validate;
  // Options of the original this version does not implement: only these values (comma-separated;
  // what this version does anyway) are accepted, anything else fails rather than being silently
  // ignored.
  std::string_view only = {};
};

std::optional<std::string> ExpectOneOf(std::string_view value,
                                       std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (value == a) return std::nullopt;
  }
  std::string list;
  for (std::string_view a : allowed) absl::StrAppend(&list, list.empty() ? "" : ", ", a);
  return absl::StrCat("expected one of ", list);
}

std::optional<std::string> ValidateBool(std::string_view v) {
  if (ParseBoolOption(v).has_value()) return std::nullopt;
  return "expected 1 or 0 (or true/false, yes/no, on/off)";
}

bool IsAllDigits(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), absl::ascii_isdigit);
}

// "<dist>[/<version>]": dist in lower case letters (a directory under kernels/), version one path
// component. Anything that could climb out of the kernels directory is refused here, before any
// path is built from it.
std::optional<std::string> ValidateKernel(std::string_view v) {
  constexpr std::string_view kExpected =
      "expected <dist>[/<version>], e.g. debian or debian/6.1.0-28-cloud-amd64";
  std::vector<std::string_view> parts = absl::StrSplit(v, '/');
  if (parts.size() > 2 || parts[0].empty() ||
      !std::all_of(parts[0].begin(), parts[0].end(), absl::ascii_islower)) {
    return std::string(kExpected);
  }
  if (parts.size() == 2) {
    std::string_view ver = parts[1];
    if (ver.empty() || ver == "." || ver == ".." ||
        !std::all_of(ver.begin(), ver.end(), [](char c) {
          return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '+';
        })) {
      return std::string(kExpected);
    }
  }
  return std::nullopt;
}

// The kernel command line is one line of printable text.
std::optional<std::string> ValidatePrintable(std::string_view v) {
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "expected printable text (no newlines or control characters)";
    }
  }
  return std::nullopt;
}

// "<src>,<dst>,<fs>[,<size>]" separated by ';' (disk_spec.h). The files themselves are checked
// by the runtime at create and by disk-prep when the container starts.
std::optional<std::string> ValidateDisks(std::string_view v) {
  absl::StatusOr<std::vector<DiskSpec>> disks = ParseDiskSpecs(v);
  if (disks.ok()) return std::nullopt;
  return std::string(disks.status().message());
}

std::optional<std::string> ValidateBreak(std::string_view v) {
  for (std::string_view b : absl::StrSplit(v, ',', absl::SkipEmpty())) {
    if (auto err = ExpectOneOf(b, {"prenet", "postnet", "preqemu"})) {
      return absl::StrCat(*err, " (comma-separated)");
    }
  }
  return std::nullopt;
}

// Sorted by name; `KnownOptions()` and the lookup rely on it.
const OptionSpec kOptions[] = {
    {{"RUNCVM_ACCEL", "auto, kvm, tcg", "accelerator: kvm when /dev/kvm works, else tcg (auto)"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"auto", "kvm", "tcg"});
     }},
    {{"RUNCVM_BIOS", "EFI", "boot with OVMF instead of SeaBIOS (OVMF is not bundled)"},
     [](std::string_view v) { return ExpectOneOf(v, {"EFI"}); },
     "-"},
    {{"RUNCVM_BIOS_DEBUG", "1|0", "SeaBIOS's debug output on the container's stderr"},
     ValidateBool},
    {{"RUNCVM_BOOT_TIMEOUT", "seconds, 1..86400",
      "fail the container if its VM has not booted by then (default 300)"},
     [](std::string_view v) -> std::optional<std::string> {
       int seconds = 0;
       if (IsAllDigits(v) && absl::SimpleAtoi(v, &seconds) && seconds >= 1 && seconds <= 86400) {
         return std::nullopt;
       }
       return "expected a whole number of seconds from 1 to 86400";
     }},
    {{"RUNCVM_BREAK", "prenet,postnet,preqemu", "a shell at that point of the container's boot"},
     ValidateBreak},
    {{"RUNCVM_CGROUPFS", "none|systemd|1|cgroup1|2|cgroup2|hybrid|mixed",
      "guest cgroupfs mounts (this version mounts cgroup2)"},
     [](std::string_view v) {
       return ExpectOneOf(v,
                          {"none", "systemd", "1", "cgroup1", "2", "cgroup2", "hybrid", "mixed"});
     },
     "2,cgroup2"},
    {{"RUNCVM_DISKS", "<src>,<dst>,<fs>[,<size>][;...]", "file-backed virtio-blk disks"},
     ValidateDisks},
    {{"RUNCVM_DISPLAY_MODE", "headless|serial|vnc", "console/display preset"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"headless", "serial", "vnc"});
     },
     "headless"},
    {{"RUNCVM_HUGETLB", "1|0", "guest RAM from hugetlb memfd"}, ValidateBool, "0,false,no,off"},
    {{"RUNCVM_INIT", "1|0", "an init as PID 1 of the workload (as docker run --init)"},
     ValidateBool},
    {{"RUNCVM_KERNEL", "<dist>[/<version>]", "the bundled kernel to boot"}, ValidateKernel},
    {{"RUNCVM_KERNEL_APPEND", "text", "appended to the kernel command line"}, ValidatePrintable},
    {{"RUNCVM_KERNEL_DEBUG", "1|0", "kernel boot messages on the container's stderr"},
     ValidateBool},
    {{"RUNCVM_KERNEL_MOUNT_LIB_MODULES", "1|0", "mount the kernel's modules over /lib/modules"},
     ValidateBool},
    {{"RUNCVM_QEMU_ARCH", "x86_64", "guest architecture (only x86_64 is bundled)"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"x86_64", "amd64"});
     },
     "x86_64,amd64"},
    {{"RUNCVM_QEMU_DEBUG", "1|0", "QEMU diagnostics on exit"}, ValidateBool, "0,false,no,off"},
    {{"RUNCVM_QEMU_DISPLAY", "none|curses",
      "curses: the VM's VGA text screen and keyboard on the container's terminal (needs -t)"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"none", "curses"});
     }},
    {{"RUNCVM_QEMU_MEM_PREALLOC", "on|off", "preallocate guest RAM"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"on", "off"});
     },
     "off"},
    {{"RUNCVM_QEMU_NET_VHOST", "1|0", "vhost-net for the VM's network"}, ValidateBool,
     "0,false,no,off"},
    {{"RUNCVM_QEMU_USB", "on|off", "q35 USB controller"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"on", "off"});
     },
     "off"},
    {{"RUNCVM_QEMU_VGA", "none|virtio|std|cirrus", "QEMU -vga"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"none", "virtio", "std", "cirrus"});
     },
     "none"},
    {{"RUNCVM_QEMU_VNC_DISPLAY", "N >= 0", "VNC display :N (port 5900+N)"},
     [](std::string_view v) -> std::optional<std::string> {
       if (IsAllDigits(v) && v.size() < 6) return std::nullopt;
       return "expected a display number 0..99999";
     },
     "-"},
    {{"RUNCVM_RUNTIME_DEBUG", "1|0", "host-side debug log /tmp/runcvm-<container id>.log"},
     ValidateBool},
    {{"RUNCVM_SYS_ADMIN", "1|0", "CAP_SYS_ADMIN in the VM, virtiofsd modcaps=+sys_admin"},
     ValidateBool},
    {{"RUNCVM_VIRTIOFSD_CACHE", "auto|always|never|metadata|none", "virtiofsd cache policy"},
     [](std::string_view v) {
       return ExpectOneOf(v, {"auto", "always", "never", "metadata", "none"});
     }},
};

const OptionSpec* FindOption(std::string_view name) {
  auto it =
      std::lower_bound(std::begin(kOptions), std::end(kOptions), name,
                       [](const OptionSpec& o, std::string_view n) { return o.info.name < n; });
  return it != std::end(kOptions) && it->info.name == name ? &*it : nullptr;
}

// Levenshtein distance, for "did you mean" on a mistyped option name.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const OptionInfo> KnownOptions() {
  static const std::vector<OptionInfo> infos = [] {
    std::vector<OptionInfo> v;
    for (const OptionSpec& o : kOptions) v.push_back(o.info);
    return v;
  }();
  return infos;
}

std::optional<bool> ParseBoolOption(std::string_view value) {
  std::string v = absl::AsciiStrToLower(value);
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off" || v.empty()) return false;
  return std::nullopt;
}

std::optional<std::string> EnvValue(std::span<const std::string> env, std::string_view name) {
  std::optional<std::string> value;
  for (const std::string& entry : env) {
    if (entry.size() > name.size() && absl::StartsWith(entry, name) && entry[name.size()] == '=') {
      value = entry.substr(name.size() + 1);
    }
  }
  return value;
}

absl::StatusOr<RuncvmOptions> ParseOptions(std::span<const std::string> env) {
  // The last entry for a name wins, as when a shell or execve's consumer reads the environment;
  // Docker has already merged image ENV and --env, so duplicates are rare.
  std::vector<std::pair<std::string, std::string>> settings;
  for (const std::string& entry : env) {
    if (!absl::StartsWith(entry, "RUNCVM_")) continue;
    size_t eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    auto it = std::find_if(settings.begin(), settings.end(),
                           [&](const auto& s) { return s.first == name; });
    if (it != settings.end()) {
      it->second = value;
    } else {
      settings.emplace_back(std::move(name), std::move(value));
    }
  }

  RuncvmOptions options;
  for (const auto& [name, value] : settings) {
    const OptionSpec* spec = FindOption(name);
    if (spec == nullptr) {
      std::string hint = "not a RunCVM option";
      size_t best = 3;
      for (const OptionSpec& o : kOptions) {
        size_t d = EditDistance(name, o.info.name);
        if (d < best) {
          best = d;
          hint = absl::StrCat("not a RunCVM option; did you mean ", o.info.name, "?");
        }
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", name, "=", value, " (", hint, ")"));
    }
    // An empty value means the default, so that `--env RUNCVM_X=` and templated env files work.
    if (value.empty()) continue;
    if (std::optional<std::string> err = spec->validate(value)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid ", name, "=", value, ": ", *err));
    }
    if (!spec->only.empty()) {
      std::vector<std::string_view> only = absl::StrSplit(spec->only, ',');
      if (std::find(only.begin(), only.end(), value) == only.end()) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, "=", value, ": not supported by this version",
            spec->only == "-" ? "" : absl::StrCat(" (accepted: ", spec->only, ")")));
      }
    }
    if (name == "RUNCVM_KERNEL") options.kernel = value;
    if (name == "RUNCVM_KERNEL_APPEND") options.kernel_append = value;
    if (name == "RUNCVM_KERNEL_DEBUG") options.kernel_debug = *ParseBoolOption(value);
    if (name == "RUNCVM_KERNEL_MOUNT_LIB_MODULES") {
      options.kernel_mount_lib_modules = *ParseBoolOption(value);
    }
    if (name == "RUNCVM_ACCEL") options.accel = value;
    if (name == "RUNCVM_BOOT_TIMEOUT") (void)absl::SimpleAtoi(value, &options.boot_timeout_s);
    if (name == "RUNCVM_INIT") options.init = *ParseBoolOption(value);
    if (name == "RUNCVM_RUNTIME_DEBUG") options.runtime_debug = *ParseBoolOption(value);
    if (name == "RUNCVM_BIOS_DEBUG") options.bios_debug = *ParseBoolOption(value);
    if (name == "RUNCVM_SYS_ADMIN") options.sys_admin = *ParseBoolOption(value);
    if (name == "RUNCVM_BREAK") {
      for (std::string_view b : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        if (std::find(options.breaks.begin(), options.breaks.end(), b) == options.breaks.end()) {
          options.breaks.emplace_back(b);
        }
      }
    }
    if (name == "RUNCVM_DISKS") options.disks = *ParseDiskSpecs(value);
    if (name == "RUNCVM_QEMU_DISPLAY") options.qemu_display = value;
  }
  return options;
}

}  // namespace runcvm
