// The guest agent, run by vm-init once the VM looks like the container: it starts the workload,
// serves exec sessions, and relays every session's stdio, signals, window sizes and exit status
// over the control port (protocol.md).
#ifndef RUNCVM_COMMON_GUEST_AGENT_H_
#define RUNCVM_COMMON_GUEST_AGENT_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/channel.h"
#include "common/dns_fallback.h"
#include "common/dns_relay.h"
#include "common/fd.h"
#include "common/poller.h"
#include "common/session_spawn.h"
#include "common/stream_relay.h"

namespace runcvm {

class GuestAgent {
 public:
  // `start_workload` runs in the workload's new PID namespace (as its PID 1) and execs it, with
  // `workload_stdio` (a pty or pipes relayed over the port, or the VM's console).
  GuestAgent(UniqueFd port, SessionStdio workload_stdio,
             std::function<absl::Status()> start_workload);

  // Runs until the workload has exited, its status has been reported and the container side has
  // acknowledged it (or stopped answering). Returns the workload's exit code.
  absl::StatusOr<int> Run();

  // The servers to ask for names Docker's embedded DNS cannot forward (dns_fallback.h).
  void UseExternalDns(const std::vector<std::string>& servers) { dns_fallback_.UseServers(servers); }

 private:
  struct Session {
    pid_t pid = -1;
    std::unique_ptr<StreamRelay> relay;
    UniqueFd pty_master;
    bool exited = false;
    int exit_code = 0;
    std::string exit_message;
    bool exit_sent = false;
  };

  absl::Status StartWorkload();
  void StartExec(uint32_t id, const std::string& spec_json);
  Session& AddSession(uint32_t id, const SessionStdio& stdio, SpawnedProcess spawned);
  void OnFrame(protocol::Frame frame);
  void ReapChildren();
  void ReportFinishedSessions();
  int WorkloadExitCode(int status_code) const;

  FrameChannel channel_;
  SessionStdio workload_stdio_;
  std::function<absl::Status()> start_workload_;
  std::map<uint32_t, Session> sessions_;
  pid_t workload_pid_ = -1;
  bool workload_reported_ = false;
  bool closed_by_host_ = false;
  int workload_exit_code_ = 0;
  UniqueFd signal_fd_;
  DnsListener dns_;  // 127.0.0.11:53 in the VM, relayed to Docker's (dns_relay.h)
  DnsFallback dns_fallback_;  // what Docker cannot answer from here (dns_fallback.h)
  UniqueFd exit_request_watch_;  // inotify on /.runcvm, for qemu-exit
};

// Removes RUNCVM_* variables: they configure the VM, not the workload (as the original RunCVM).
void StripRuncvmEnvironment(struct ProcessSpec& spec);

// RUNCVM_QEMU_DISPLAY=curses: the workload's terminal is the VM's VGA console, a Linux VT, so its
// TERM says so (Docker's TERM=xterm describes the user's terminal, which QEMU draws on).
inline constexpr char kConsoleDevice[] = "/dev/tty1";
void UseConsoleTerm(struct ProcessSpec& spec);

// qemu-exit's request file: the workload asks to end now, with the code in /.runcvm/exit-code.
inline constexpr char kRuncvmStateDir[] = "/.runcvm";
inline constexpr char kQemuExitRequest[] = "qemu-exit";

// The exit code the workload asked for through /.runcvm/exit-code (or the original RunCVM's
// /.runcvm/exitcode), if it wrote one.
std::optional<int> RequestedExitCode();

}  // namespace runcvm

#endif  // RUNCVM_COMMON_GUEST_AGENT_H_
