#include "common/stream_relay.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <deque>
#include <string>

#include "catch2/catch.hpp"
#include "common/container_init.h"
#include "common/fd.h"

namespace runcvm {
namespace {

using protocol::Frame;
using protocol::Type;

struct PipeFds {
  int read = -1;
  int write = -1;
};

PipeFds MakePipe() {
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  return {fds[0], fds[1]};
}

// Two relays wired back to back through frame queues, as init and the guest agent are through
// the control channel; pumps until nothing moves.
struct Link {
  std::deque<Frame> to_guest, to_host;
  StreamRelay host{0, [this](Frame f) { to_guest.push_back(std::move(f)); }};
  StreamRelay guest{0, [this](Frame f) { to_host.push_back(std::move(f)); }};

  void Pump(int rounds = 10000) {
    for (int i = 0; i < rounds; ++i) {
      Poller poller;
      host.Register(poller);
      guest.Register(poller);
      REQUIRE(poller.Wait(0).ok());
      bool moved = !to_guest.empty() || !to_host.empty();
      while (!to_guest.empty()) {
        guest.OnFrame(to_guest.front());
        to_guest.pop_front();
      }
      while (!to_host.empty()) {
        host.OnFrame(to_host.front());
        to_host.pop_front();
      }
      if (!moved && i > 10) {
        Poller idle;
        host.Register(idle);
        guest.Register(idle);
        REQUIRE(idle.Wait(10).ok());
      }
    }
  }
};

TEST_CASE("stdout crosses the link byte for byte, then EOF") {
  PipeFds process_out = MakePipe();   // the guest process writes here
  PipeFds container_out = MakePipe(); // init's stdout
  Link link;
  link.guest.AddSource(protocol::kStdout, process_out.read, true);
  link.host.AddSink(protocol::kStdout, container_out.write, true, true);

  std::string payload;
  for (int i = 0; i < 20000; ++i) payload += static_cast<char>(i * 7);
  REQUIRE(WriteAll(process_out.write, payload).ok());
  close(process_out.write);

  std::string received;
  for (int round = 0; round < 100 && !link.guest.SourcesDone(); ++round) {
    link.Pump(50);
    char buf[65536];
    ssize_t n;
    while ((n = read(container_out.read, buf, sizeof buf)) > 0) received.append(buf, n);
  }
  link.Pump(50);
  CHECK(link.guest.SourcesDone());
  absl::StatusOr<std::string> rest = ReadAll(container_out.read);  // sink closed at EOF
  REQUIRE(rest.ok());
  received += *rest;
  CHECK(received == payload);
  close(container_out.read);
}

TEST_CASE("a sender never exceeds its window while the reader is stalled") {
  PipeFds process_out = MakePipe();
  PipeFds container_out = MakePipe();
  fcntl(process_out.write, F_SETPIPE_SZ, 1 << 20);
  Link link;
  link.guest.AddSource(protocol::kStdout, process_out.read, true);
  link.host.AddSink(protocol::kStdout, container_out.write, true, false);
  // Nobody reads container_out: the pipe (64 KiB) fills, then credit stops the guest.
  std::string chunk(512 * 1024, 'x');
  REQUIRE(write(process_out.write, chunk.data(), chunk.size()) > 0);
  link.Pump(200);
  // In flight at most: one window, plus what the stalled pipe absorbed.
  int pipe_size = fcntl(container_out.write, F_GETPIPE_SZ);
  int leftover;
  REQUIRE(ioctl(process_out.read, FIONREAD, &leftover) == 0);
  CHECK(static_cast<size_t>(leftover) >= chunk.size() - protocol::kWindow - pipe_size);
  close(process_out.write);
  close(container_out.read);
}

TEST_CASE("stdin EOF closes the process's stdin pipe") {
  PipeFds container_in = MakePipe();  // init's stdin
  PipeFds process_in = MakePipe();    // the guest process reads here
  Link link;
  link.host.AddSource(protocol::kStdin, container_in.read, true);
  link.guest.AddSink(protocol::kStdin, process_in.write, true, true);
  REQUIRE(WriteAll(container_in.write, "hello\n").ok());
  close(container_in.write);
  link.Pump(100);
  absl::StatusOr<std::string> got = ReadAll(process_in.read);  // returns: the pipe was closed
  REQUIRE(got.ok());
  CHECK(*got == "hello\n");
  close(process_in.read);
}

TEST_CASE("exit codes without an agent report") {
  CHECK(ExitCodeWithoutReport(std::nullopt, W_EXITCODE(0, 0)) == 0);
  CHECK(ExitCodeWithoutReport(9, W_EXITCODE(0, 0)) == 9);
  CHECK(ExitCodeWithoutReport(std::nullopt, W_EXITCODE(2 * (7 - 1) + 1, 0)) == 7);  // qemu-exit 7
  CHECK(ExitCodeWithoutReport(std::nullopt, W_EXITCODE(2 * (127 - 1) + 1, 0)) == 127);
  CHECK(ExitCodeWithoutReport(std::nullopt, W_EXITCODE(0, SIGKILL)) == 125);  // QEMU killed
  CHECK(ExitCodeWithoutReport(std::nullopt, W_EXITCODE(2, 0)) == 125);  // QEMU's own error
}

}  // namespace
}  // namespace runcvm
