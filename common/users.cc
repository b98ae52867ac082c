#include "common/users.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/fd.h"

namespace runcvm {
namespace {

// The lines worth parsing, each split on ':'. Whitespace around a line is trimmed, as runc does.
std::vector<std::vector<std::string_view>> Records(std::string_view contents) {
  std::vector<std::vector<std::string_view>> records;
  for (std::string_view line : absl::StrSplit(contents, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    records.push_back(absl::StrSplit(line, ':'));
  }
  return records;
}

std::string_view Field(const std::vector<std::string_view>& fields, size_t i) {
  return i < fields.size() ? fields[i] : std::string_view();
}

}  // namespace

std::vector<PasswdEntry> ParsePasswd(std::string_view contents) {
  std::vector<PasswdEntry> entries;
  for (const auto& f : Records(contents)) {
    PasswdEntry e;
    if (!absl::SimpleAtoi(Field(f, 2), &e.uid) || !absl::SimpleAtoi(Field(f, 3), &e.gid)) continue;
    e.name = std::string(Field(f, 0));
    e.gecos = std::string(Field(f, 4));
    e.home = std::string(Field(f, 5));
    e.shell = std::string(Field(f, 6));
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<GroupEntry> ParseGroup(std::string_view contents) {
  std::vector<GroupEntry> entries;
  for (const auto& f : Records(contents)) {
    GroupEntry e;
    if (!absl::SimpleAtoi(Field(f, 2), &e.gid)) continue;
    e.name = std::string(Field(f, 0));
    for (std::string_view member : absl::StrSplit(Field(f, 3), ',', absl::SkipEmpty())) {
      e.members.emplace_back(member);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string HomeForUid(std::string_view passwd_contents, uint32_t uid) {
  const std::string uid_text = absl::StrCat(uid);
  for (const PasswdEntry& e : ParsePasswd(passwd_contents)) {
    if (e.uid == uid || e.name == uid_text) return e.home;
  }
  return "/";
}

std::string ReadHomeForUid(const std::string& passwd_path, uint32_t uid) {
  absl::StatusOr<std::string> contents = ReadFile(passwd_path);
  return HomeForUid(contents.ok() ? *contents : std::string(), uid);
}

}  // namespace runcvm
