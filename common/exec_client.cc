#include "common/exec_client.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/channel.h"
#include "common/json.h"
#include "common/poller.h"
#include "common/status.h"
#include "common/stream_relay.h"
#include "common/unix_socket.h"

namespace runcvm {
namespace {

using protocol::Frame;
using protocol::Type;

// init creates its socket within a second of the container starting; an exec that arrives
// earlier waits for it rather than failing.
constexpr absl::Duration kConnectTimeout = absl::Seconds(30);

constexpr int kForwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGALRM};

absl::StatusOr<UniqueFd> ConnectWithRetry(const std::string& path) {
  absl::Time deadline = absl::Now() + kConnectTimeout;
  for (;;) {
    absl::StatusOr<UniqueFd> fd = ConnectUnix(path);
    if (fd.ok() || absl::Now() > deadline) return fd;
    usleep(100 * 1000);
  }
}

}  // namespace

absl::StatusOr<int> RunExecClient(const std::string& exec_socket, const std::string& process_json) {
  ASSIGN_OR_RETURN(Json process, ParseJson(process_json, "exec process"));
  bool terminal = GetBool(process, "terminal").value_or(false) && isatty(STDIN_FILENO);
  ASSIGN_OR_RETURN(UniqueFd conn, ConnectWithRetry(exec_socket));

  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : kForwarded) sigaddset(&mask, sig);
  sigaddset(&mask, SIGWINCH);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  UniqueFd signal_fd(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
  signal(SIGPIPE, SIG_IGN);

  FrameChannel channel(std::move(conn));
  Json request = {{"process", process}};
  channel.Send(protocol::Open(0, SerializeJson(request)));

  auto send_size = [&] {
    winsize ws{};
    if (terminal && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
      channel.Send(protocol::Resize(0, ws.ws_row, ws.ws_col));
    }
  };
  if (terminal) {
    termios raw;
    if (tcgetattr(STDIN_FILENO, &raw) == 0) {
      cfmakeraw(&raw);
      tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    send_size();
  }

  StreamRelay relay(0, [&channel](Frame f) { channel.Send(f); });
  relay.AddSource(protocol::kStdin, STDIN_FILENO, false);
  relay.AddSink(protocol::kStdout, STDOUT_FILENO, false, false);
  relay.AddSink(protocol::kStderr, STDERR_FILENO, false, false);

  std::optional<protocol::ExitStatus> exit;
  while (!exit) {
    Poller poller;
    channel.Register(poller, [&](Frame f) {
      if (f.type == Type::kExit) {
        absl::StatusOr<protocol::ExitStatus> status = protocol::DecodeExit(f.payload);
        exit = status.ok() ? *status : protocol::ExitStatus{125, ""};
      } else {
        relay.OnFrame(f);
      }
    });
    relay.Register(poller);
    WatchSignalFd(poller, signal_fd.get(), [&](int signo) {
      if (signo == SIGWINCH) {
        send_size();
      } else {
        channel.Send(protocol::Signal(0, signo));
      }
    });
    RETURN_IF_ERROR(poller.Wait(-1));
    if (!channel.open() && !exit) {
      return Annotate(channel.closed(), "exec session ended without an exit status");
    }
  }
  relay.DrainSinks(5000);
  if (!exit->message.empty()) (void)WriteAll(STDERR_FILENO, exit->message);
  return static_cast<int>(exit->code);
}

}  // namespace runcvm
