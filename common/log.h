// Logging: one line per message on stderr, prefixed with the applet's name. The runtime applet
// also appends runc-style JSON lines ({"level","msg","time"}) to runc's --log file, which is where
// containerd looks for the reason a runtime command failed, so Docker shows it to the user.
#ifndef RUNCVM_COMMON_LOG_H_
#define RUNCVM_COMMON_LOG_H_

#include <string>
#include <string_view>

namespace runcvm {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// The prefix of every stderr line, e.g. "runcvm runtime".
void SetLogPrefix(std::string_view prefix);

// Also write each message to `path`, as JSON lines when `format` is "json" (runc's default for
// containerd), else as text. An empty path turns the file log off.
void SetLogFile(std::string_view path, std::string_view format);

// Messages below `level` are not written to stderr (they still go to the log file). init uses
// kError so that nothing but real failures mixes with the workload's own stderr.
void SetStderrLevel(LogLevel level);

// Debug messages are dropped unless enabled (RUNCVM_RUNTIME_DEBUG=1 for the runtime).
void SetDebugLogging(bool enabled);
bool DebugLoggingEnabled();

void Log(LogLevel level, std::string_view message);
inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

// What runc's fatal() does with an error: the bare message on stderr (no prefix or level) and an
// error line in the log file. For failures that must look exactly like runc's.
void LogRuncFatal(std::string_view message);

// A runc-style JSON log line (without the newline); exposed for tests.
std::string FormatJsonLogLine(LogLevel level, std::string_view message, std::string_view time);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_LOG_H_
