#include "common/disk_spec.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace runcvm {
namespace {

constexpr std::string_view kForm = "want <src>,<dst>,<filesystem>[,<size>]";

std::string HumanBytes(int64_t bytes) {
  constexpr std::string_view kUnits[] = {"", "K", "M", "G", "T", "P", "E"};
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes % 1024 == 0 && bytes >= 1024) {
    bytes /= 1024;
    ++unit;
  }
  return absl::StrCat(bytes, kUnits[unit]);
}

// Absolute, and nothing that would make it a different path once cleaned: the paths are used in
// the container as they are, and as the key of the guest's fstab.
bool IsCleanAbsolute(std::string_view path) {
  if (path.size() < 2 || path[0] != '/' || path.back() == '/') return false;
  for (std::string_view part : absl::StrSplit(path.substr(1), '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return std::none_of(path.begin(), path.end(),
                      [](char c) { return absl::ascii_isspace(c) || absl::ascii_iscntrl(c); });
}

}  // namespace

int64_t MaxDiskBytes(std::string_view fs) {
  return fs == "ext4" ? std::numeric_limits<int64_t>::max() : int64_t{16} << 40;
}

std::optional<int64_t> ParseDiskSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
  uint64_t number;
  if (digits == 0 || !absl::SimpleAtoi(text.substr(0, digits), &number)) return std::nullopt;
  std::string suffix = absl::AsciiStrToUpper(text.substr(digits));
  uint64_t base = 1024;
  if (suffix.size() == 2 && suffix[1] == 'B') {
    base = 1000;
    suffix.pop_back();
  } else if (suffix.size() == 3 && suffix.substr(1) == "IB") {
    suffix.resize(1);
  } else if (suffix.size() > 1) {
    return std::nullopt;
  }
  int power = 0;
  if (!suffix.empty()) {
    size_t pos = std::string_view("KMGTPE").find(suffix[0]);
    if (pos == std::string_view::npos) return std::nullopt;
    power = static_cast<int>(pos) + 1;
  }
  uint64_t bytes = number;
  for (int i = 0; i < power; ++i) {
    if (bytes > std::numeric_limits<uint64_t>::max() / base) return std::nullopt;
    bytes *= base;
  }
  if (bytes > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

absl::StatusOr<std::vector<DiskSpec>> ParseDiskSpecs(std::string_view value) {
  std::vector<DiskSpec> disks;
  size_t n = 0;
  for (std::string_view text : absl::StrSplit(value, ';', absl::SkipWhitespace())) {
    ++n;
    text = absl::StripAsciiWhitespace(text);
    auto bad = [&](std::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("disk ", n, " ('", text, "'): ", what));
    };
    std::vector<std::string_view> f = absl::StrSplit(text, ',');
    if (f.size() > 4) return bad(absl::StrCat("too many fields (", kForm, ")"));
    constexpr std::string_view kNames[] = {"<src>", "<dst>", "<filesystem>"};
    for (size_t i = 0; i < 3; ++i) {
      if (i >= f.size() || f[i].empty()) {
        return bad(absl::StrCat("missing ", kNames[i], " (", kForm, ")"));
      }
    }
    DiskSpec disk{std::string(f[0]), std::string(f[1]), std::string(f[2])};
    if (!IsCleanAbsolute(disk.src)) return bad("<src> must be a clean absolute path");
    if (!IsCleanAbsolute(disk.dst)) return bad("<dst> must be a clean absolute path, not /");
    if (disk.src == disk.dst) return bad("<src> and <dst> are the same path");
    if (disk.fs != "ext2" && disk.fs != "ext3" && disk.fs != "ext4") {
      return bad(absl::StrCat("filesystem '", disk.fs, "' is not one of ext2, ext3, ext4"));
    }
    if (f.size() == 4) {
      std::optional<int64_t> size = ParseDiskSize(f[3]);
      if (!size) return bad(absl::StrCat("size '", f[3], "' is not a size such as 512M or 5G"));
      if (*size < kMinDiskBytes) {
        return bad(absl::StrCat("size ", f[3], " is too small for ", disk.fs, " (at least ",
                                HumanBytes(kMinDiskBytes), ")"));
      }
      if (*size > MaxDiskBytes(disk.fs)) {
        return bad(absl::StrCat("size ", f[3], " is more than ", disk.fs, " can hold (at most ",
                                HumanBytes(MaxDiskBytes(disk.fs)), ")"));
      }
      disk.size_bytes = *size;
    }
    for (const DiskSpec& other : disks) {
      if (other.src == disk.src) return bad(absl::StrCat("<src> ", disk.src, " is used twice"));
      if (other.dst == disk.dst) return bad(absl::StrCat("<dst> ", disk.dst, " is used twice"));
    }
    disks.push_back(std::move(disk));
  }
  return disks;
}

std::string DiskSerial(size_t index) { return absl::StrCat("runcvm-disk", index); }

std::string DiskFstabLine(const DiskSpec& disk, size_t index) {
  return absl::StrCat("/dev/disk/by-id/virtio-", DiskSerial(index), " ", disk.dst, " ", disk.fs,
                      " defaults,noatime 0 0");
}

}  // namespace runcvm
