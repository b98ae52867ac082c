#include "common/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace runcvm {
namespace {

// Per-process logging state. A multicall binary runs one applet per process, so this is set once
// by that applet's main and read everywhere else.
struct LogState {
  std::string prefix = "runcvm";
  std::string file;
  bool json = true;
  bool debug = false;
  LogLevel stderr_level = LogLevel::kInfo;
};

LogState& State() {
  static LogState state;
  return state;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "error";
}

// Appends with O_APPEND and one write(2) per line, because runc writes to the same file.
void AppendLine(const std::string& path, const std::string& line) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t n = write(fd, line.data(), line.size());
  close(fd);
}

// `line` is the text-format line (as on stderr); JSON files get `message` alone.
void AppendToLogFile(LogLevel level, std::string_view message, std::string_view line) {
  const LogState& state = State();
  if (state.file.empty()) return;
  std::string time = absl::FormatTime("%Y-%m-%dT%H:%M:%E9SZ", absl::Now(), absl::UTCTimeZone());
  AppendLine(state.file, state.json ? FormatJsonLogLine(level, message, time) + "\n"
                                    : absl::StrCat(time, " ", line));
}

}  // namespace

void SetLogPrefix(std::string_view prefix) { State().prefix = std::string(prefix); }

void SetLogFile(std::string_view path, std::string_view format) {
  State().file = std::string(path);
  State().json = format.empty() || format == "json";
}

void SetDebugLogging(bool enabled) { State().debug = enabled; }
void SetStderrLevel(LogLevel level) { State().stderr_level = level; }
bool DebugLoggingEnabled() { return State().debug; }

std::string FormatJsonLogLine(LogLevel level, std::string_view message, std::string_view time) {
  nlohmann::ordered_json line = {
      {"level", LevelName(level)}, {"msg", message}, {"time", time}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Log(LogLevel level, std::string_view message) {
  const LogState& state = State();
  if (level == LogLevel::kDebug && !state.debug) return;
  std::string line = level == LogLevel::kInfo || level == LogLevel::kDebug
                         ? absl::StrCat(state.prefix, ": ", message, "\n")
                         : absl::StrCat(state.prefix, ": ", LevelName(level), ": ", message, "\n");
  bool to_stderr = level >= state.stderr_level && (level != LogLevel::kDebug || state.file.empty());
  if (to_stderr) {
    [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  }
  AppendToLogFile(level, message, line);
}

void LogRuncFatal(std::string_view message) {
  std::string line = absl::StrCat(message, "\n");
  [[maybe_unused]] ssize_t n = write(STDERR_FILENO, line.data(), line.size());
  AppendToLogFile(LogLevel::kError, message, line);
}

}  // namespace runcvm
