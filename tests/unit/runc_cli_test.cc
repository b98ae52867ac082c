#include "common/runc_cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "common/fd.h"

namespace runcvm {
namespace {

absl::StatusOr<RuncCommandLine> Scan(std::vector<std::string_view> args) {
  RuncCommandLine cli;
  absl::Status s = ScanRuncArgs(args, &cli);
  if (!s.ok()) return s;
  return cli;
}

std::string ErrorOf(std::vector<std::string_view> args) {
  absl::StatusOr<RuncCommandLine> cli = Scan(args);
  return cli.ok() ? "ok" : std::string(cli.status().message());
}

TEST_CASE("runc cli: containerd-shim's create") {
  // As containerd-shim-runc-v2 (Docker 20.10) invokes the runtime.
  auto cli = Scan({"--root", "/var/run/docker/runtime-runc/moby", "--log",
                   "/run/containerd/io.containerd.runtime.v2.task/moby/abc/log.json",
                   "--log-format", "json", "create", "--bundle",
                   "/run/containerd/io.containerd.runtime.v2.task/moby/abc", "--pid-file",
                   "/run/containerd/io.containerd.runtime.v2.task/moby/abc/init.pid", "abc"});
  REQUIRE(cli.ok());
  CHECK(cli->command == "create");
  CHECK(cli->root == "/var/run/docker/runtime-runc/moby");
  CHECK(cli->log_path == "/run/containerd/io.containerd.runtime.v2.task/moby/abc/log.json");
  CHECK(cli->log_format == "json");
  CHECK(cli->bundle == "/run/containerd/io.containerd.runtime.v2.task/moby/abc");
  CHECK(cli->container_id == "abc");
}

TEST_CASE("runc cli: flag spellings") {
  auto cli = Scan({"--debug", "--systemd-cgroup", "--log=/l.json", "-log-format=text", "--criu",
                   "/usr/sbin/criu", "--rootless=false", "create", "-b", "/b", "--console-socket",
                   "/s.sock", "--no-pivot", "--no-new-keyring", "--preserve-fds=2", "id1"});
  REQUIRE(cli.ok());
  CHECK(cli->log_path == "/l.json");
  CHECK(cli->log_format == "text");
  CHECK(cli->bundle == "/b");
  CHECK(cli->container_id == "id1");

  cli = Scan({"create", "--bundle=/b2", "id2"});
  REQUIRE(cli.ok());
  CHECK(cli->bundle == "/b2");

  cli = Scan({"create", "id3"});  // no --bundle: the current directory
  REQUIRE(cli.ok());
  CHECK(cli->bundle.empty());
  CHECK(cli->container_id == "id3");

  // runc's CLI library accepts flags after the ID.
  cli = Scan({"run", "id4", "--bundle", "/b4", "-d"});
  REQUIRE(cli.ok());
  CHECK(cli->command == "run");
  CHECK(cli->bundle == "/b4");
  CHECK(cli->container_id == "id4");

  // A value that looks like a flag is still the value.
  cli = Scan({"create", "--pid-file", "-weird", "id5"});
  REQUIRE(cli.ok());
  CHECK(cli->container_id == "id5");

  cli = Scan({"create", "--bundle", "/b", "--", "-id6"});
  REQUIRE(cli.ok());
  CHECK(cli->container_id == "-id6");
}

TEST_CASE("runc cli: exec") {
  auto cli = Scan({"--root", "/r", "--log", "/l", "--log-format", "json", "exec", "--process",
                   "/tmp/runc-process123", "--detach", "--pid-file", "/p.pid", "abc"});
  REQUIRE(cli.ok());
  CHECK(cli->command == "exec");
  CHECK(cli->process_path == "/tmp/runc-process123");
  CHECK(cli->container_id == "abc");

  cli = Scan({"exec", "-p=/p.json", "--tty", "--console-socket", "/c", "abc"});
  REQUIRE(cli.ok());
  CHECK(cli->process_path == "/p.json");

  // The command-line form: what follows the ID is the command, not runc's flags.
  cli = Scan({"exec", "-t", "abc", "ls", "-la", "--process", "x"});
  REQUIRE(cli.ok());
  CHECK(cli->container_id == "abc");
  CHECK(cli->process_path.empty());
}

TEST_CASE("runc cli: other commands pass through without interpretation") {
  for (std::vector<std::string_view> args : std::vector<std::vector<std::string_view>>{
           {"--root", "/r", "delete", "--force", "abc"},
           {"state", "abc"},
           {"kill", "abc", "9"},
           {"--version"},
           {"-v"},
           {"features"},
           {"update", "--whatever", "--resources", "-", "abc"},
           {}}) {
    auto cli = Scan(args);
    REQUIRE(cli.ok());
    CHECK(cli->bundle.empty());
    CHECK(cli->process_path.empty());
  }
  CHECK(Scan({"--log", "/l", "delete", "abc"})->command == "delete");
  CHECK(Scan({"--version"})->command.empty());
}

TEST_CASE("runc cli: what cannot be scanned safely is an error") {
  CHECK(ErrorOf({"--frobnicate", "create", "abc"}) == "unknown runc global flag --frobnicate");
  CHECK(ErrorOf({"create", "--frobnicate", "abc"}) == "unknown runc create flag --frobnicate");
  CHECK(ErrorOf({"create", "--frobnicate=1", "abc"}) == "ok");  // unambiguous: left to runc
  CHECK(ErrorOf({"create", "--bundle"}) == "runc create flag --bundle needs a value");
  CHECK(ErrorOf({"--log"}) == "runc global flag --log needs a value");
  CHECK(ErrorOf({"create", "--bundle", "/b"}) == "runc create: no container id");
  CHECK(ErrorOf({"exec", "--process", "/p"}) == "runc exec: no container id");

  // The log file is known even when a later argument is bad, so the error still reaches Docker.
  RuncCommandLine cli;
  CHECK_FALSE(
      ScanRuncArgs(std::vector<std::string_view>{"--log", "/l.json", "create", "--x"}, &cli).ok());
  CHECK(cli.log_path == "/l.json");
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/runcvm-runc-cli-test.XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

void MakeExecutable(const std::string& path) { REQUIRE(WriteFile(path, "#!/bin/sh\n", 0755).ok()); }

TEST_CASE("runc cli: finding runc") {
  std::string dir = MakeTempDir();
  std::string fake = dir + "/my-runc";
  MakeExecutable(fake);

  // RUNCVM_RUNC wins, and must be usable.
  CHECK(FindRunc(fake.c_str(), "", "/proc/self/exe").value() == fake);
  absl::StatusOr<std::string> bad = FindRunc((dir + "/nope").c_str(), "", "/proc/self/exe");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "RUNCVM_RUNC=" + dir + "/nope: not an executable file (or it is runcvm itself)");
  // Our own binary is never runc, even under that name.
  CHECK_FALSE(FindRunc(fake.c_str(), "", fake).ok());

  // PATH is searched after the usual places; our own binary is skipped.
  std::string pathdir = dir + "/bin";
  REQUIRE(mkdir(pathdir.c_str(), 0755) == 0);
  MakeExecutable(pathdir + "/runc");
  bool others = false;
  for (const char* p : {"/usr/sbin/runc", "/usr/local/bin/runc", "/usr/local/sbin/runc",
                        "/usr/libexec/docker/runc"}) {
    others |= PathExists(p);
  }
  if (PathExists("/usr/bin/runc") && !others) {
    CHECK(FindRunc(nullptr, pathdir.c_str(), "/proc/self/exe").value() == "/usr/bin/runc");
    CHECK(FindRunc(nullptr, ("relative:" + pathdir).c_str(), "/usr/bin/runc").value() ==
          pathdir + "/runc");
    CHECK_FALSE(FindRunc(nullptr, "/nonexistent", "/usr/bin/runc").ok());
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("runc cli: the state file of exec's container") {
  RuncCommandLine cli;
  cli.container_id = "abc";
  CHECK(RuncStatePath(cli) == "/run/runc/abc/state.json");
  cli.root = "/run/docker/runtime-runc/moby";
  CHECK(RuncStatePath(cli) == "/run/docker/runtime-runc/moby/abc/state.json");
  for (const char* bad : {"", ".", "..", "../x", "a/b"}) {
    cli.container_id = bad;
    CHECK(RuncStatePath(cli).empty());
  }
}

TEST_CASE("runc cli: the init pid from runc's state.json") {
  // As runc 1.1.5 writes it (abridged).
  absl::StatusOr<int> pid = InitPidFromState(
      R"({"id":"8e99","init_process_pid":28766,"init_process_start":1234,)"
      R"("created":"2026-11-28T21:00:05Z","config":{"rootfs":"/x"}})");
  REQUIRE(pid.ok());
  CHECK(*pid == 28766);
  CHECK_FALSE(InitPidFromState("{}").ok());
  CHECK_FALSE(InitPidFromState(R"({"init_process_pid":0})").ok());
  CHECK_FALSE(InitPidFromState(R"({"init_process_pid":"12"})").ok());
  CHECK_FALSE(InitPidFromState("[1]").ok());
  CHECK_FALSE(InitPidFromState("not json").ok());
}

}  // namespace
}  // namespace runcvm
