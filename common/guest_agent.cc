#include "common/guest_agent.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>

#include <cerrno>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/exit_code.h"
#include "common/json.h"
#include "common/log.h"
#include "common/process_spec.h"
#include "common/session_spawn.h"
#include "common/status.h"

namespace runcvm {
namespace {

using protocol::Frame;
using protocol::Type;

// How long the agent waits for the container side to acknowledge the workload's
// exit before it powers off regardless (the host may have been killed).
constexpr absl::Duration kCloseTimeout = absl::Seconds(10);

}  // namespace

void StripRuncvmEnvironment(ProcessSpec& spec) {
  std::erase_if(spec.env, [](const std::string& entry) {
    return entry.starts_with("RUNCVM_");
  });
}

void UseConsoleTerm(ProcessSpec& spec) {
  std::erase_if(spec.env, [](const std::string& entry) { return entry.starts_with("TERM="); });
  spec.env.push_back("TERM=linux");
}

std::optional<int> RequestedExitCode() {
  for (const char* path : {"/.runcvm/exit-code", "/.runcvm/exitcode"}) {
    absl::StatusOr<std::string> text = ReadFile(path);
    int code;
    if (text.ok() &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &code)) {
      return code & 0xff;
    }
  }
  return std::nullopt;
}

GuestAgent::GuestAgent(UniqueFd port, SessionStdio workload_stdio,
                       std::function<absl::Status()> start_workload)
    : channel_(std::move(port)),
      workload_stdio_(std::move(workload_stdio)),
      start_workload_(std::move(start_workload)),
      dns_fallback_([this](const DnsMessage& reply) { dns_.Reply(reply); }) {}

GuestAgent::Session& GuestAgent::AddSession(uint32_t id, const SessionStdio& stdio,
                                            SpawnedProcess spawned) {
  Session& session = sessions_[id];
  session.pid = spawned.pid;
  session.relay =
      std::make_unique<StreamRelay>(id, [this](Frame f) { channel_.Send(f); });
  SpawnedStdio& io = spawned.stdio;
  if (!stdio.device.empty()) {
    // The VM's console: nothing to relay, the session only reports its exit.
  } else if (stdio.terminal) {
    // One pty: its output is the session's stdout, its input the session's
    // stdin (as runc).
    session.pty_master = std::move(io.pty_master);
    int input = fcntl(session.pty_master.get(), F_DUPFD_CLOEXEC, 3);
    session.relay->AddSource(protocol::kStdout, io.stdout_read.release(), true);
    session.relay->AddSink(protocol::kStdin, input, true, false);
  } else {
    session.relay->AddSource(protocol::kStdout, io.stdout_read.release(), true);
    session.relay->AddSource(protocol::kStderr, io.stderr_read.release(), true);
    session.relay->AddSink(protocol::kStdin, io.stdin_write.release(), true,
                           true);
  }
  return session;
}

absl::Status GuestAgent::StartWorkload() {
  ASSIGN_OR_RETURN(
      SpawnedProcess spawned,
      SpawnSession(workload_stdio_, Namespaces::kNew, -1, start_workload_));
  workload_pid_ = spawned.pid;
  AddSession(protocol::kWorkloadSession, workload_stdio_, std::move(spawned));
  return absl::OkStatus();
}

void GuestAgent::StartExec(uint32_t id, const std::string& spec_json) {
  auto fail = [&](const absl::Status& status) {
    channel_.Send(protocol::Exit(id, ExitCodeForError(status),
                                 absl::StrCat(status.message(), "\n")));
  };
  if (id == protocol::kWorkloadSession || sessions_.contains(id) ||
      workload_reported_) {
    return fail(
        absl::FailedPreconditionError("exec: the container is not running"));
  }
  absl::StatusOr<Json> doc = ParseJson(spec_json, "exec request");
  if (!doc.ok()) return fail(doc.status());
  const Json* process = FindMember(*doc, "process");
  if (process == nullptr)
    return fail(absl::InvalidArgumentError("exec request: no process"));
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*process);
  if (!spec.ok()) return fail(spec.status());
  StripRuncvmEnvironment(*spec);
  SessionStdio stdio;
  stdio.terminal = spec->terminal;
  absl::StatusOr<SpawnedProcess> spawned = SpawnSession(
      stdio, Namespaces::kJoin, workload_pid_,
      // runc creates a missing cwd for the container's process, not for an
      // exec.
      [&spec] {
        return ApplyProcessSpecAndExec(*spec, ExecOptions{.create_cwd = false});
      });
  if (!spawned.ok()) return fail(spawned.status());
  AddSession(id, stdio, std::move(*spawned));
}

void GuestAgent::OnFrame(Frame frame) {
  if (frame.type == Type::kDnsReply) {
    if (absl::StatusOr<DnsMessage> reply = DecodeDnsPayload(frame.payload);
        reply.ok()) {
      dns_fallback_.DockerAnswered(*reply);
    }
    return;
  }
  if (frame.type == Type::kOpen) return StartExec(frame.session, frame.payload);
  auto it = sessions_.find(frame.session);
  if (it == sessions_.end()) return;  // a session that has already ended
  Session& session = it->second;
  switch (frame.type) {
    case Type::kData:
    case Type::kEof:
    case Type::kCredit:
      session.relay->OnFrame(frame);
      break;
    case Type::kResize:
      if (absl::StatusOr<protocol::WindowSize> size =
              protocol::DecodeResize(frame.payload);
          size.ok() && session.pty_master.valid()) {
        winsize ws{size->rows, size->cols, 0, 0};
        ioctl(session.pty_master.get(), TIOCSWINSZ, &ws);
      }
      break;
    case Type::kSignal:
      if (absl::StatusOr<uint32_t> sig = protocol::DecodeU32(frame.payload);
          sig.ok() && !session.exited) {
        kill(session.pid, static_cast<int>(*sig));
      }
      break;
    case Type::kDnsReply:
      break;  // handled before the session lookup
    case Type::kClose:
      if (frame.session == protocol::kWorkloadSession) closed_by_host_ = true;
      break;
    default:
      break;
  }
}

void GuestAgent::ReapChildren() {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (auto& [id, session] : sessions_) {
      if (session.pid == pid && !session.exited) {
        session.exited = true;
        session.exit_code = ExitCodeFromWaitStatus(status);
      }
    }
  }
}

void GuestAgent::ReportFinishedSessions() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& session = it->second;
    // EXIT follows all of the session's output (protocol.md, "Order").
    if (!session.exited || session.exit_sent || !session.relay->SourcesDone()) {
      ++it;
      continue;
    }
    uint32_t id = it->first;
    int code = session.exit_code;
    if (id == protocol::kWorkloadSession) {
      code = RequestedExitCode().value_or(code);
      workload_exit_code_ = code;
      workload_reported_ = true;
    }
    channel_.Send(protocol::Exit(id, code));
    session.exit_sent = true;
    if (id == protocol::kWorkloadSession) {
      ++it;
    } else {
      it = sessions_.erase(it);
    }
  }
}

absl::StatusOr<int> GuestAgent::Run() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal_fd_.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd_.valid()) return ErrnoError(errno, "signalfd");

  // Docker's resolv.conf names its embedded DNS (127.0.0.11) on user-defined
  // networks only; the relay is a convenience, so a failure to listen is a
  // warning, not a failed container.
  if (absl::StatusOr<std::string> resolv = ReadFile("/etc/resolv.conf");
      resolv.ok() && ResolvConfUsesEmbeddedDns(*resolv)) {
    if (absl::Status listening = dns_.Listen(); !listening.ok())
      LogWarning(listening.message());
  }
  // qemu-exit (compatibility) asks through a file; without a watch it falls back to port I/O.
  exit_request_watch_.reset(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (exit_request_watch_.valid() &&
      inotify_add_watch(exit_request_watch_.get(), kRuncvmStateDir, IN_CLOSE_WRITE) < 0) {
    exit_request_watch_.reset();
  }

  RETURN_IF_ERROR(Annotate(StartWorkload(), "start the workload"));
  channel_.Send(protocol::Hello());

  absl::Time close_deadline = absl::InfiniteFuture();
  while (!closed_by_host_) {
    Poller poller;
    dns_.Register(poller, [this](DnsMessage query) {
      dns_fallback_.Asked(query);
      channel_.Send(protocol::DnsQuery(EncodeDnsPayload(query)));
    });
    dns_fallback_.Register(poller);
    channel_.Register(poller, [this](Frame f) { OnFrame(std::move(f)); });
    for (auto& [id, session] : sessions_) session.relay->Register(poller);
    WatchSignalFd(poller, signal_fd_.get(), [this](int) { ReapChildren(); });
    if (exit_request_watch_.valid()) {
      poller.Watch(exit_request_watch_.get(), POLLIN, [this](short) {
        alignas(inotify_event) char buf[4096];
        bool requested = false;
        for (ssize_t n; (n = read(exit_request_watch_.get(), buf, sizeof buf)) > 0;) {
          for (char* p = buf; p < buf + n;) {
            auto* event = reinterpret_cast<inotify_event*>(p);
            if (event->len > 0 && std::string_view(event->name) == kQemuExitRequest) requested = true;
            p += sizeof(inotify_event) + event->len;
          }
        }
        // The workload's namespace ends as a container's would; its code comes from exit-code.
        if (requested && workload_pid_ > 0) kill(workload_pid_, SIGKILL);
      });
    }
    int timeout_ms = -1;
    if (workload_reported_) {
      if (close_deadline == absl::InfiniteFuture())
        close_deadline = absl::Now() + kCloseTimeout;
      timeout_ms = static_cast<int>(
          absl::ToInt64Milliseconds(close_deadline - absl::Now()));
      if (timeout_ms <= 0) {
        LogWarning(
            "no acknowledgement of the exit status from the container; "
            "powering off");
        break;
      }
    }
    RETURN_IF_ERROR(poller.Wait(timeout_ms));
    ReapChildren();
    ReportFinishedSessions();
    if (!channel_.open()) {
      if (workload_reported_) break;
      return Annotate(channel_.closed(), "control channel");
    }
  }
  (void)channel_.Flush(1000);
  return workload_exit_code_;
}

}  // namespace runcvm
