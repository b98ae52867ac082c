#include "common/host_config.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/json.h"
#include "common/status.h"

namespace runcvm {
namespace {

// --- Docker: daemon.json ---------------------------------------------------------------------

// dockerd reads an empty (or all-blank) daemon.json as no settings at all.
absl::StatusOr<Json> ParseDaemonJson(std::string_view text) {
  if (absl::StripAsciiWhitespace(text).empty()) return Json::object();
  ASSIGN_OR_RETURN(Json doc, ParseJson(text, "daemon.json"));
  if (!doc.is_object()) return absl::InvalidArgumentError("daemon.json is not a JSON object");
  return doc;
}

// Writes the document back in the file's own style, so that our edit is the only difference a
// diff shows: the indentation of its first indented line (tabs or spaces), compact when it was on
// one line, two spaces for a new file; a final newline when it had one (or was new).
std::string SerializeLike(const Json& doc, std::string_view original) {
  std::string_view trimmed = absl::StripAsciiWhitespace(original);
  int indent = 2;
  char indent_char = ' ';
  if (!trimmed.empty()) {
    size_t nl = trimmed.find('\n');
    if (nl == std::string_view::npos) {
      indent = -1;
    } else {
      std::string_view rest = trimmed.substr(nl + 1);
      indent_char = !rest.empty() && rest[0] == '\t' ? '\t' : ' ';
      size_t n = rest.find_first_not_of(indent_char);
      indent = n == std::string_view::npos || n == 0 ? 2 : static_cast<int>(n);
    }
  }
  std::string out = doc.dump(indent, indent_char, false, Json::error_handler_t::replace);
  if (trimmed.empty() || absl::EndsWith(original, "\n")) out += '\n';
  return out;
}

absl::StatusOr<std::optional<std::string>> AddDocker(std::string_view text, std::string_view name,
                                                     std::string_view path) {
  ASSIGN_OR_RETURN(Json doc, ParseDaemonJson(text));
  Json* runtimes = FindMember(doc, "runtimes");
  if (runtimes == nullptr) {
    doc["runtimes"] = Json::object();
    runtimes = FindMember(doc, "runtimes");
  } else if (!runtimes->is_object()) {
    return absl::InvalidArgumentError("daemon.json: \"runtimes\" is not an object");
  }
  const Json* entry = FindMember(*runtimes, name);
  if (entry != nullptr && GetString(*entry, "path") == path) return std::nullopt;
  (*runtimes)[std::string(name)] = Json{{"path", std::string(path)}};
  return SerializeLike(doc, text);
}

absl::StatusOr<std::optional<std::string>> RemoveDocker(std::string_view text,
                                                        std::string_view name) {
  ASSIGN_OR_RETURN(Json doc, ParseDaemonJson(text));
  Json* runtimes = FindMember(doc, "runtimes");
  if (runtimes == nullptr || !runtimes->is_object() || !runtimes->contains(name)) {
    return std::nullopt;
  }
  runtimes->erase(std::string(name));
  if (runtimes->empty()) doc.erase("runtimes");
  return SerializeLike(doc, text);
}

}  // namespace

absl::StatusOr<std::optional<std::string>> AddEmptyDockerRuntimes(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseDaemonJson(text));
  if (doc.contains("runtimes")) return std::nullopt;
  doc["runtimes"] = Json::object();
  return SerializeLike(doc, text);
}

namespace {

// --- Podman: containers.conf (TOML) -----------------------------------------------------------
// Edited as lines rather than parsed and re-written, so that comments, layout and everything we
// do not understand survive. What we touch is narrow: the `[engine.runtimes]` table header and
// one `name = [...]` line in it.

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

bool IsTableHeader(std::string_view line) {
  return absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "[");
}

// "[ engine.runtimes ]  # comment" -> "engine.runtimes"; "" when not a table header.
std::string TableName(std::string_view line) {
  std::string_view s = absl::StripAsciiWhitespace(line);
  if (!absl::ConsumePrefix(&s, "[") || absl::StartsWith(s, "[")) return "";  // [[array]] tables
  size_t close = s.find(']');
  if (close == std::string_view::npos) return "";
  std::string name;
  for (char c : s.substr(0, close)) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) name += c;
  }
  return name;
}

// The key of a `key = value` line (bare or "quoted"), "" otherwise.
std::string KeyOf(std::string_view line) {
  std::string_view s = absl::StripLeadingAsciiWhitespace(line);
  size_t eq = s.find('=');
  if (eq == std::string_view::npos || absl::StartsWith(s, "#")) return "";
  std::string_view key = absl::StripAsciiWhitespace(s.substr(0, eq));
  if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front()) {
    key = key.substr(1, key.size() - 2);
  }
  return std::string(key);
}

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string RuntimeLine(std::string_view name, std::string_view path) {
  return absl::StrCat(name, " = [", TomlString(path), "]");
}

// A line's content without whitespace, for comparing values however they are spaced.
std::string Squeezed(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

struct PodmanLayout {
  int table = -1;     // the [engine.runtimes] header line
  int table_end = 0;  // one past its last line
  int entry = -1;     // the `name = ...` line in it
};

absl::StatusOr<PodmanLayout> FindPodmanEntry(const std::vector<std::string>& lines,
                                             std::string_view name) {
  PodmanLayout layout;
  std::string table;  // the table the current line is in
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (IsTableHeader(lines[i])) {
      table = TableName(lines[i]);
      if (table == "engine.runtimes") {
        layout.table = i;
      } else if (layout.table >= 0 && layout.table_end == 0) {
        layout.table_end = i;
      }
      continue;
    }
    std::string key = KeyOf(lines[i]);
    // `runtimes = {...}` in [engine], or dotted keys, would define the table a second way: TOML
    // (and so podman) would reject the file if we added a header too.
    if ((table == "engine" && (key == "runtimes" || absl::StartsWith(key, "runtimes."))) ||
        (table.empty() && absl::StartsWith(key, "engine.runtimes"))) {
      return absl::FailedPreconditionError(
          "containers.conf defines engine.runtimes inline or with dotted keys; add the runtime by "
          "hand");
    }
    if (table == "engine.runtimes" && key == name) {
      if (lines[i].find('[') != std::string::npos && lines[i].find(']') == std::string::npos) {
        return absl::FailedPreconditionError(absl::StrCat(
            "containers.conf: the ", name, " runtime spans several lines; edit it by hand"));
      }
      layout.entry = i;
    }
  }
  if (layout.table >= 0 && layout.table_end == 0) layout.table_end = static_cast<int>(lines.size());
  return layout;
}

absl::StatusOr<std::optional<std::string>> AddPodman(std::string_view text, std::string_view name,
                                                     std::string_view path) {
  std::vector<std::string> lines = Lines(text);
  ASSIGN_OR_RETURN(PodmanLayout layout, FindPodmanEntry(lines, name));
  std::string wanted = RuntimeLine(name, path);
  if (layout.entry >= 0) {
    std::string_view current = lines[layout.entry];
    if (size_t hash = current.find('#'); hash != std::string_view::npos &&
                                         current.find(']') < hash) {
      current = current.substr(0, hash);  // a comment after the value
    }
    std::string current_value = Squeezed(current.substr(current.find('=')));
    if (current_value == Squeezed(wanted.substr(wanted.find('=')))) return std::nullopt;
    std::string_view indent = lines[layout.entry];
    indent = indent.substr(0, indent.size() - absl::StripLeadingAsciiWhitespace(indent).size());
    lines[layout.entry] = absl::StrCat(indent, wanted);
  } else if (layout.table >= 0) {
    lines.insert(lines.begin() + layout.table + 1, wanted);
  } else {
    if (!lines.empty()) lines.push_back("");
    lines.push_back("[engine.runtimes]");
    lines.push_back(wanted);
  }
  return JoinLines(lines);
}

absl::StatusOr<std::optional<std::string>> RemovePodman(std::string_view text,
                                                        std::string_view name) {
  std::vector<std::string> lines = Lines(text);
  ASSIGN_OR_RETURN(PodmanLayout layout, FindPodmanEntry(lines, name));
  if (layout.entry < 0) return std::nullopt;
  lines.erase(lines.begin() + layout.entry);
  --layout.table_end;
  bool empty = true;
  for (int i = layout.table + 1; i < layout.table_end; ++i) {
    if (!absl::StripAsciiWhitespace(lines[i]).empty()) empty = false;
  }
  if (empty) {
    // The table was ours alone: drop it, and at the end of the file the blank line we put
    // before it, so that what was appended goes away.
    bool at_end = layout.table_end == static_cast<int>(lines.size());
    lines.erase(lines.begin() + layout.table, lines.begin() + layout.table_end);
    if (at_end) {
      while (!lines.empty() && absl::StripAsciiWhitespace(lines.back()).empty()) lines.pop_back();
    }
  }
  return JoinLines(lines);
}

std::vector<std::string> MeaningfulLines(std::string_view text) {
  std::vector<std::string> out;
  for (std::string& line : Lines(text)) {
    std::string_view s = absl::StripAsciiWhitespace(line);
    if (s.empty() || absl::StartsWith(s, "#")) continue;
    out.emplace_back(s);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> AddRuntime(HostConfigKind kind, std::string_view text,
                                                      std::string_view name,
                                                      std::string_view path) {
  return kind == HostConfigKind::kDocker ? AddDocker(text, name, path)
                                         : AddPodman(text, name, path);
}

absl::StatusOr<std::optional<std::string>> RemoveRuntime(HostConfigKind kind,
                                                         std::string_view text,
                                                         std::string_view name) {
  return kind == HostConfigKind::kDocker ? RemoveDocker(text, name) : RemovePodman(text, name);
}

bool SameConfig(HostConfigKind kind, std::string_view a, std::string_view b) {
  if (kind == HostConfigKind::kPodman) return MeaningfulLines(a) == MeaningfulLines(b);
  absl::StatusOr<Json> da = ParseDaemonJson(a);
  absl::StatusOr<Json> db = ParseDaemonJson(b);
  return da.ok() && db.ok() && *da == *db;
}

}  // namespace runcvm
