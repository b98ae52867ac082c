#include "common/container_init.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/break_shell.h"
#include "common/channel.h"
#include "common/dns_relay.h"
#include "common/exit_code.h"
#include "common/guest_agent.h"
#include "common/image_kernel.h"
#include "common/log.h"
#include "common/poller.h"
#include "common/status.h"
#include "common/stream_relay.h"
#include "common/subprocess.h"
#include "common/unix_socket.h"

namespace runcvm {
namespace {

using protocol::Frame;
using protocol::Type;

// Signals init forwards to the workload, as runc's init would have received them. SIGKILL and
// SIGSTOP cannot be caught: they act on init itself, and so on the whole container, as with runc.
constexpr int kForwardedSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM,
                                     SIGALRM, SIGCONT, SIGTSTP, SIGURG,  SIGVTALRM, SIGPROF,
                                     SIGIO,   SIGPWR,  SIGSYS,  SIGTRAP, SIGXCPU, SIGXFSZ};

constexpr absl::Duration kQemuExitGrace = absl::Seconds(10);
// QEMU's curses display redraws every 30 ms: the VM keeps running this long after the workload
// exits, so that its last output is drawn on the terminal before QEMU exits.
constexpr absl::Duration kCursesLastFrame = absl::Milliseconds(500);
constexpr int kDrainTimeoutMs = 5000;

// Up to `max_bytes` from the end of a log file, for diagnostics.
std::string TailOf(const std::string& path, size_t max_bytes) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok() || text->empty()) return "";
  return text->size() > max_bytes ? text->substr(text->size() - max_bytes) : *text;
}

class ContainerInit {
 public:
  ContainerInit(const LaunchSpec& spec, const ContainerPaths& paths)
      : spec_(spec),
        paths_(paths),
        workload_(protocol::kWorkloadSession, [this](Frame f) { SendToVm(std::move(f)); }) {}

  absl::StatusOr<int> Run();

 private:
  struct Client {
    std::unique_ptr<FrameChannel> channel;
    bool opened = false;
    bool exited = false;
  };

  absl::Status Start();
  absl::Status StartVirtiofsd(const VmLaunch& launch);
  absl::Status StartQemu(const VmLaunch& launch);
  void PrepareTerminal();
  void Loop(Poller& poller);
  void SendToVm(Frame frame);
  void OnVmFrame(Frame frame);
  void OnClientFrame(uint32_t id, Frame frame);
  void OnSignal(int signo);
  void ReapChildren();
  void SendWindowSize();
  // Logs how long after init started a phase of the VM's life was reached.
  void Milestone(std::string_view what) {
    LogInfo(absl::StrCat(what, " after ", absl::FormatDuration(absl::Now() - started_)));
  }
  absl::StatusOr<int> Finish();
  absl::Status WaitForQemu(absl::Time deadline);

  const LaunchSpec& spec_;
  ContainerPaths paths_;
  StreamRelay workload_;
  DnsForwarder dns_;  // the VM's queries to Docker's 127.0.0.11 (dns_relay.h)
  UniqueFd signal_fd_;
  UniqueFd ctl_listen_;
  UniqueFd exec_listen_;
  std::unique_ptr<FrameChannel> vm_;
  bool hello_ = false;
  std::vector<Frame> before_hello_;
  std::map<uint32_t, Client> clients_;
  uint32_t next_session_ = 1;
  bool terminal_ = false;
  pid_t qemu_pid_ = -1;
  pid_t virtiofsd_pid_ = -1;
  std::optional<int> qemu_status_;  // QEMU's wait(2) status once it has exited
  std::optional<protocol::ExitStatus> workload_exit_;
  absl::Time started_ = absl::Now();
};

absl::Status ContainerInit::Start() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : kForwardedSignals) sigaddset(&mask, sig);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGWINCH);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal_fd_.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signal_fd_.valid()) return ErrnoError(errno, "signalfd");
  // A container's PID 1 must not be stopped by terminal job control or killed by a closed pipe.
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);

  if (mkdir(paths_.run_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoError(errno, absl::StrCat("mkdir ", paths_.run_dir));
  }
  // The container's stderr is the workload's: runcvm's own notes (the accelerator chosen, ...)
  // go to a log in the container-only /run, and only failures are shown.
  SetLogFile(paths_.init_log(), "text");
  // With the curses display the terminal is QEMU's screen: milestones there would garble it.
  SetStderrLevel(spec_.vm.kernel_debug && !spec_.vm.curses() ? LogLevel::kInfo : LogLevel::kError);
  if (!spec_.vm.image_modules.empty()) {
    RETURN_IF_ERROR(Annotate(
        BuildImageKernelInitrd(spec_.vm.initrd, spec_.vm.image_modules, spec_.vm.module_list,
                               spec_.vm.kernel_release, paths_.image_initrd()),
        absl::StrCat("the image's kernel ", spec_.vm.kernel_release)));
  }
  ASSIGN_OR_RETURN(VmLaunch launch, PlanVmLaunch(spec_, paths_));
  RETURN_IF_ERROR(MaybeBreak(spec_.vm.breaks, "preqemu",
                             absl::StrCat("Preparing to run: ", ShellQuote(launch.qemu_argv))));
  ASSIGN_OR_RETURN(ctl_listen_, ListenUnix(paths_.ctl_socket()));
  ASSIGN_OR_RETURN(exec_listen_, ListenUnix(paths_.exec_socket()));
  (void)SetNonBlocking(exec_listen_.get());
  PrepareTerminal();
  RETURN_IF_ERROR(StartVirtiofsd(launch));
  RETURN_IF_ERROR(StartQemu(launch));

  // With the curses display the terminal belongs to QEMU: the workload's stdio is the VM's
  // console, and only its exit status travels here.
  if (!spec_.vm.curses()) {
    workload_.AddSource(protocol::kStdin, STDIN_FILENO, false);
    workload_.AddSink(protocol::kStdout, STDOUT_FILENO, false, false);
    workload_.AddSink(protocol::kStderr, STDERR_FILENO, false, false);
  }
  return absl::OkStatus();
}

// With a terminal, the pty runc gave us only carries bytes: the VM's pty does the line
// discipline, echo and signals (^C reaches the workload as a byte, as the user typed it).
void ContainerInit::PrepareTerminal() {
  // With the curses display QEMU's curses UI sets up the terminal (and restores it at exit).
  terminal_ = spec_.terminal && !spec_.vm.curses() && isatty(STDIN_FILENO);
  if (!terminal_) return;
  termios raw;
  if (tcgetattr(STDIN_FILENO, &raw) == 0) {
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
  }
}

absl::Status ContainerInit::StartVirtiofsd(const VmLaunch& launch) {
  // init listens and hands the socket over, so QEMU can connect the moment it starts.
  ASSIGN_OR_RETURN(UniqueFd listen, ListenUnix(paths_.virtiofs_socket(), /*inheritable=*/true));
  std::vector<std::string> argv = launch.virtiofsd_argv;
  argv.push_back(absl::StrCat("--fd=", listen.get()));
  UniqueFd log(open(paths_.virtiofsd_log().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  SubprocessOptions options;
  options.stderr_fd = log.get();
  options.stdout_fd = log.get();
  options.keep_fds = {listen.get()};
  LogDebug(absl::StrCat("starting ", ShellQuote(argv)));
  ASSIGN_OR_RETURN(virtiofsd_pid_, StartSubprocess(argv, options));
  return absl::OkStatus();
}

absl::Status ContainerInit::StartQemu(const VmLaunch& launch) {
  UniqueFd log;
  int out = STDERR_FILENO;
  // With the curses display QEMU's stdin and stdout are the terminal and its stderr always the
  // log: a warning (or the debug output that otherwise goes to the container's stderr) would be
  // drawn over the screen.
  if (spec_.vm.curses() || (!spec_.vm.kernel_debug && !spec_.vm.bios_debug)) {
    log.reset(open(paths_.qemu_log().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    out = log.get();
  }
  SubprocessOptions options;
  options.stdout_fd = out;
  options.stderr_fd = out;
  if (spec_.vm.curses()) {
    options.stdin_fd = STDIN_FILENO;
    options.stdout_fd = STDOUT_FILENO;
  }
  options.keep_fds = launch.tap_fds;
  options.env = launch.qemu_env;
  LogDebug(absl::StrCat("starting ", ShellQuote(launch.qemu_argv)));
  ASSIGN_OR_RETURN(qemu_pid_, StartSubprocess(launch.qemu_argv, options));
  Milestone("QEMU started");
  return absl::OkStatus();
}

void ContainerInit::SendToVm(Frame frame) {
  if (!hello_) {
    before_hello_.push_back(std::move(frame));
  } else if (vm_ != nullptr) {
    vm_->Send(frame);
  }
}

void ContainerInit::SendWindowSize() {
  if (!terminal_) return;
  winsize ws{};
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
    SendToVm(protocol::Resize(protocol::kWorkloadSession, ws.ws_row, ws.ws_col));
  }
}

void ContainerInit::OnVmFrame(Frame frame) {
  if (frame.type == Type::kHello) {
    Milestone("guest agent ready");
    hello_ = true;
    for (Frame& f : before_hello_) vm_->Send(f);
    before_hello_.clear();
    SendWindowSize();
    return;
  }
  if (frame.type == Type::kDnsQuery) {
    if (absl::StatusOr<DnsMessage> query = DecodeDnsPayload(frame.payload); query.ok()) {
      dns_.Forward(std::move(*query));
    }
    return;
  }
  if (frame.session == protocol::kWorkloadSession) {
    if (frame.type == Type::kExit) {
      absl::StatusOr<protocol::ExitStatus> exit = protocol::DecodeExit(frame.payload);
      workload_exit_ = exit.ok() ? *exit : protocol::ExitStatus{kExitRuncvmFailed, ""};
      Milestone("workload exited");
    } else {
      workload_.OnFrame(frame);
    }
    return;
  }
  auto it = clients_.find(frame.session);
  if (it == clients_.end()) return;
  if (frame.type == Type::kExit) it->second.exited = true;
  frame.session = 0;  // the client's own numbering
  it->second.channel->Send(frame);
}

void ContainerInit::OnClientFrame(uint32_t id, Frame frame) {
  Client& client = clients_[id];
  if (frame.type == Type::kOpen) {
    if (client.opened) return;
    client.opened = true;
  } else if (!client.opened) {
    return;
  }
  frame.session = id;
  SendToVm(std::move(frame));
}

void ContainerInit::OnSignal(int signo) {
  if (signo == SIGCHLD) return ReapChildren();
  if (signo == SIGWINCH) return SendWindowSize();
  SendToVm(protocol::Signal(protocol::kWorkloadSession, signo));
}

void ContainerInit::ReapChildren() {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (pid == qemu_pid_) {
      qemu_status_ = status;
    } else if (pid == virtiofsd_pid_ && !workload_exit_) {
      LogWarning(absl::StrCat("virtiofsd exited (", ExitCodeFromWaitStatus(status), "): ",
                              TailOf(paths_.virtiofsd_log(), 400)));
    }
  }
}

void ContainerInit::Loop(Poller& poller) {
  if (ctl_listen_.valid()) {
    poller.Watch(ctl_listen_.get(), POLLIN, [this](short) {
      UniqueFd conn = AcceptUnix(ctl_listen_.get());
      if (!conn.valid()) return;
      vm_ = std::make_unique<FrameChannel>(std::move(conn));
      Milestone("QEMU connected");
      ctl_listen_.reset();  // QEMU connects once
    });
  }
  // Before the channel: a reply produced while registering (a timeout) must be seen as output.
  dns_.Register(poller, [this](DnsMessage reply) {
    SendToVm(protocol::DnsReply(EncodeDnsPayload(reply)));
  });
  if (vm_ != nullptr) vm_->Register(poller, [this](Frame f) { OnVmFrame(std::move(f)); });
  poller.Watch(exec_listen_.get(), POLLIN, [this](short) {
    for (UniqueFd conn = AcceptUnix(exec_listen_.get()); conn.valid();
         conn = AcceptUnix(exec_listen_.get())) {
      clients_[next_session_++].channel = std::make_unique<FrameChannel>(std::move(conn));
    }
  });
  for (auto it = clients_.begin(); it != clients_.end();) {
    Client& client = it->second;
    if (!client.channel->open()) {
      // ctr-exec went away (killed, or docker exec detached): so does its process in the VM.
      if (client.opened && !client.exited) SendToVm(protocol::Signal(it->first, SIGKILL));
      it = clients_.erase(it);
      continue;
    }
    uint32_t id = it->first;
    client.channel->Register(poller, [this, id](Frame f) { OnClientFrame(id, std::move(f)); });
    ++it;
  }
  if (hello_) workload_.Register(poller);
  WatchSignalFd(poller, signal_fd_.get(), [this](int signo) { OnSignal(signo); });
}

absl::StatusOr<int> ContainerInit::Finish() {
  if (workload_exit_) {
    // Everything the workload wrote is in; let the VM power off.
    workload_.CloseSources();
    workload_.DrainSinks(kDrainTimeoutMs);
    if (!workload_exit_->message.empty()) (void)WriteAll(STDERR_FILENO, workload_exit_->message);
    if (spec_.vm.curses()) RETURN_IF_ERROR(WaitForQemu(absl::Now() + kCursesLastFrame));
    if (vm_ != nullptr) {
      vm_->Send(protocol::Close(protocol::kWorkloadSession));
      (void)vm_->Flush(2000);
    }
    RETURN_IF_ERROR(WaitForQemu(absl::Now() + kQemuExitGrace));
    Milestone("QEMU exited");
    if (!qemu_status_) {
      LogWarning("the VM did not power off in time; stopping QEMU");
      kill(qemu_pid_, SIGKILL);
    }
    if (virtiofsd_pid_ > 0) kill(virtiofsd_pid_, SIGTERM);
    return static_cast<int>(workload_exit_->code);
  }
  // QEMU ended without a report: a qemu-exit, a guest power-off, or a failure.
  if (virtiofsd_pid_ > 0) kill(virtiofsd_pid_, SIGTERM);
  workload_.DrainSinks(kDrainTimeoutMs);
  // Before the agent's HELLO no workload ran: QEMU's status is its own failure, not a qemu-exit.
  int code = hello_ ? ExitCodeWithoutReport(RequestedExitCode(), *qemu_status_)
                    : RequestedExitCode().value_or(kExitRuncvmFailed);
  if (code == kExitRuncvmFailed) {
    LogError(absl::StrCat("the VM stopped before the workload reported its exit (QEMU status ",
                          ExitCodeFromWaitStatus(*qemu_status_), ")"));
    std::string qemu = TailOf(paths_.qemu_log(), 2000);
    std::string console = TailOf(paths_.console_log(), 3000);
    if (!qemu.empty()) (void)WriteAll(STDERR_FILENO, absl::StrCat("--- qemu:\n", qemu, "\n"));
    if (!console.empty()) {
      (void)WriteAll(STDERR_FILENO, absl::StrCat("--- guest console:\n", console, "\n"));
    }
  }
  return code;
}

// Until QEMU has exited or `deadline`, reaping children and discarding what the VM sends.
absl::Status ContainerInit::WaitForQemu(absl::Time deadline) {
  while (!qemu_status_ && absl::Now() < deadline) {
    Poller poller;
    // Only children matter now: the workload has exited, a late SIGTERM has nothing to stop.
    WatchSignalFd(poller, signal_fd_.get(), [this](int) { ReapChildren(); });
    if (vm_ != nullptr) vm_->Register(poller, [](Frame) {});
    int64_t left_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    RETURN_IF_ERROR(poller.Wait(static_cast<int>(std::clamp<int64_t>(left_ms, 1, 100))));
    ReapChildren();
  }
  return absl::OkStatus();
}

absl::StatusOr<int> ContainerInit::Run() {
  RETURN_IF_ERROR(Start());
  const absl::Time boot_deadline = started_ + absl::Seconds(spec_.vm.boot_timeout_s);
  bool boot_abandoned = false;
  while (!workload_exit_ && !qemu_status_) {
    Poller poller;
    Loop(poller);
    int timeout_ms = -1;
    if (!hello_ && !boot_abandoned) {
      absl::Duration left = boot_deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        // QEMU's end is reported as for any VM that stops before its workload: exit 125 with
        // the tails of QEMU's log and the guest console, which say where the boot stuck.
        LogError(absl::StrCat("the VM did not finish booting within ", spec_.vm.boot_timeout_s,
                              " s (RUNCVM_BOOT_TIMEOUT); stopping it"));
        kill(qemu_pid_, SIGKILL);
        boot_abandoned = true;
      } else {
        timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
      }
    }
    RETURN_IF_ERROR(poller.Wait(timeout_ms));
  }
  return Finish();
}

}  // namespace

int ExitCodeWithoutReport(std::optional<int> requested, int qemu_wait_status) {
  if (requested) return *requested;
  if (!WIFEXITED(qemu_wait_status)) return kExitRuncvmFailed;  // QEMU was killed
  int code = WEXITSTATUS(qemu_wait_status);
  if (code == 0) return 0;
  // isa-debug-exit: QEMU exits with (value << 1) | 1, and qemu-exit writes code - 1.
  if ((code & 1) == 1) return (code + 1) / 2;
  return kExitRuncvmFailed;
}

absl::StatusOr<int> RunContainerInit(const LaunchSpec& spec, const ContainerPaths& paths) {
  ContainerInit init(spec, paths);
  return init.Run();
}

}  // namespace runcvm
