#include "common/process_spec.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "catch2/catch.hpp"
#include "common/exit_code.h"
#include "common/fd.h"
#include "common/status.h"

namespace runcvm {
namespace {

// A process object as Docker 20.10 writes it for `docker run -u 1000:1000 --group-add 1234
// --ulimit nofile=1024:2048 --security-opt no-new-privileges`.
constexpr std::string_view kDockerProcess = R"({
  "user": {"uid": 1000, "gid": 1000, "additionalGids": [1234], "umask": 23},
  "args": ["/bin/sh", "-c", "id"],
  "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=abc"],
  "cwd": "/work",
  "capabilities": {
    "bounding": ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
    "effective": ["CAP_CHOWN"],
    "inheritable": [],
    "permitted": ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
    "ambient": ["CAP_NET_BIND_SERVICE"]
  },
  "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 2048, "soft": 1024},
              {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 18446744073709551615}],
  "noNewPrivileges": true,
  "oomScoreAdj": 0,
  "apparmorProfile": "docker-default",
  "terminal": true
})";

ProcessSpec MustParse(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text, "test");
  REQUIRE(json.ok());
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*json);
  INFO(spec.status().ToString());
  REQUIRE(spec.ok());
  return *spec;
}

std::string ParseError(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text, "test");
  REQUIRE(json.ok());
  absl::StatusOr<ProcessSpec> spec = ParseProcessSpec(*json);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(spec.status().message());
}

TEST_CASE("a Docker process object parses completely") {
  ProcessSpec spec = MustParse(kDockerProcess);
  CHECK(spec.args == std::vector<std::string>{"/bin/sh", "-c", "id"});
  CHECK(spec.env.size() == 2);
  CHECK(spec.cwd == "/work");
  CHECK(spec.uid == 1000);
  CHECK(spec.gid == 1000);
  CHECK(spec.additional_gids == std::vector<uint32_t>{1234});
  CHECK(spec.umask == 027u);  // JSON numbers are decimal: 23 is 0027
  CHECK(spec.terminal);
  CHECK(spec.no_new_privileges);
  CHECK(spec.oom_score_adj == 0);
  CHECK(spec.capabilities.bounding ==
        std::vector<std::string>{"CAP_CHOWN", "CAP_NET_BIND_SERVICE"});
  CHECK(spec.capabilities.effective == std::vector<std::string>{"CAP_CHOWN"});
  CHECK(spec.capabilities.inheritable.empty());
  CHECK(spec.capabilities.ambient == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
  REQUIRE(spec.rlimits.size() == 2);
  CHECK(spec.rlimits[0].type == "RLIMIT_NOFILE");
  CHECK(spec.rlimits[0].resource == RLIMIT_NOFILE);
  CHECK(spec.rlimits[0].soft == 1024);
  CHECK(spec.rlimits[0].hard == 2048);
  CHECK(spec.rlimits[1].soft == UINT64_MAX);
  CHECK(spec.rlimits[1].hard == UINT64_MAX);
}

TEST_CASE("defaults: root, /, no umask, no capabilities") {
  ProcessSpec spec = MustParse(R"({"args": ["true"]})");
  CHECK(spec.uid == 0);
  CHECK(spec.gid == 0);
  CHECK(spec.cwd == "/");
  CHECK_FALSE(spec.umask.has_value());
  CHECK_FALSE(spec.terminal);
  CHECK_FALSE(spec.no_new_privileges);
  CHECK(spec.capabilities.bounding.empty());
  CHECK(spec.rlimits.empty());
  CHECK(spec.env.empty());
  CHECK_FALSE(spec.oom_score_adj.has_value());
}

TEST_CASE("errors name the field at fault") {
  CHECK(ParseError(R"([1])") == "process: expected an object");
  CHECK(ParseError(R"({})") == "process.args: must name the program to run");
  CHECK(ParseError(R"({"args": []})") == "process.args: must name the program to run");
  CHECK(ParseError(R"({"args": "sh"})") == "process.args: expected an array of strings");
  CHECK(ParseError(R"({"args": ["sh", 3]})") == "process.args[1]: expected a string");
  CHECK(ParseError(R"({"args": [""]})") == "process.args[0]: must not be empty");
  CHECK(ParseError(R"({"args": ["sh"], "env": ["A=1", null]})") ==
        "process.env[1]: expected a string");
  CHECK(ParseError(R"({"args": ["sh"], "cwd": "tmp"})") ==
        "process.cwd: 'tmp' is not an absolute path");
  CHECK(ParseError(R"({"args": ["sh"], "user": {"uid": -1}})") ==
        "process.user.uid: expected an unsigned 32-bit integer");
  CHECK(ParseError(R"({"args": ["sh"], "user": {"uid": 4294967296}})") ==
        "process.user.uid: expected an unsigned 32-bit integer");
  CHECK(ParseError(R"({"args": ["sh"], "user": {"gid": "0"}})") ==
        "process.user.gid: expected an unsigned 32-bit integer");
  CHECK(ParseError(R"({"args": ["sh"], "user": {"additionalGids": [1, 2.5]}})") ==
        "process.user.additionalGids[1]: expected an unsigned 32-bit integer");
  CHECK(ParseError(R"({"args": ["sh"], "terminal": "yes"})") ==
        "process.terminal: expected true or false");
  CHECK(ParseError(R"({"args": ["sh"], "capabilities": {"ambient": "CAP_CHOWN"}})") ==
        "process.capabilities.ambient: expected an array of strings");
  CHECK(ParseError(
            R"({"args": ["sh"], "rlimits": [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]})") ==
        "process.rlimits[0].type: unknown rlimit 'RLIMIT_BOGUS'");
  CHECK(ParseError(R"({"args": ["sh"], "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1}]})") ==
        "process.rlimits[0].soft: missing");
  CHECK(ParseError(R"({"args": ["sh"], "oomScoreAdj": 5000})") ==
        "process.oomScoreAdj: expected an integer between -1000 and 1000");
}

TEST_CASE("rlimit names map to Linux resources") {
  CHECK(RlimitResourceFromName("RLIMIT_NOFILE") == RLIMIT_NOFILE);
  CHECK(RlimitResourceFromName("RLIMIT_NPROC") == RLIMIT_NPROC);
  CHECK(RlimitResourceFromName("RLIMIT_RTTIME") == RLIMIT_RTTIME);
  CHECK_FALSE(RlimitResourceFromName("nofile").has_value());
}

TEST_CASE("the exec environment is the spec's, deduplicated as Go's Setenv, plus HOME") {
  auto env = BuildExecEnv({"PATH=/bin", "A=1", "B=2", "A=3"}, "/home/u");
  REQUIRE(env.ok());
  CHECK(*env == std::vector<std::string>{"PATH=/bin", "A=3", "B=2", "HOME=/home/u"});

  env = BuildExecEnv({"HOME=/x", "AB=1", "A=2"}, "/root");
  REQUIRE(env.ok());
  CHECK(*env == std::vector<std::string>{"HOME=/x", "AB=1", "A=2"});

  env = BuildExecEnv({"EMPTY="}, "/");
  REQUIRE(env.ok());
  CHECK(*env == std::vector<std::string>{"EMPTY=", "HOME=/"});

  CHECK(BuildExecEnv({"NOEQUALS"}, "/").status().message() ==
        "invalid environment variable \"NOEQUALS\": missing '='");
  CHECK(BuildExecEnv({"=x"}, "/").status().message() ==
        "invalid environment variable \"=x\": name cannot be empty");
}

TEST_CASE("EnvValue finds exact names only") {
  std::vector<std::string> env = {"PATHX=1", "PATH=/bin:/usr/bin", "E="};
  CHECK(EnvValue(env, "PATH") == "/bin:/usr/bin");
  CHECK(EnvValue(env, "E") == "");
  CHECK_FALSE(EnvValue(env, "PAT").has_value());
}

struct TempTree {
  std::string dir;
  TempTree() {
    char tmpl[] = "/tmp/lookpath-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    REQUIRE(mkdir((dir + "/a").c_str(), 0755) == 0);
    REQUIRE(mkdir((dir + "/b").c_str(), 0755) == 0);
    REQUIRE(WriteFile(dir + "/a/tool", "", 0644).ok());       // not executable
    REQUIRE(WriteFile(dir + "/b/tool", "", 0755).ok());       // executable
    REQUIRE(mkdir((dir + "/a/dirtool").c_str(), 0755) == 0);  // a directory
  }
  ~TempTree() { (void)system(("rm -rf " + dir).c_str()); }
};

TEST_CASE("LookPath follows Go's exec.LookPath, with runc's messages and Docker's exit codes") {
  TempTree t;
  const std::string path = t.dir + "/a:" + t.dir + "/b";

  // The first *executable* match wins; a non-executable one earlier in PATH is skipped.
  CHECK(LookPath("tool", path).value() == t.dir + "/b/tool");

  absl::StatusOr<std::string> r = LookPath("nosuch", path);
  CHECK(r.status().message() == "exec: \"nosuch\": executable file not found in $PATH");
  CHECK(ExitCodeOf(r.status()) == kExitNotFound);

  r = LookPath("dirtool", t.dir + "/a");
  CHECK(r.status().message() == "exec: \"dirtool\": executable file not found in $PATH");

  // No PATH at all: nothing is found, as Go's SplitList("") is empty.
  CHECK(ExitCodeOf(LookPath("tool", "").status()) == kExitNotFound);

  // A name with a slash is checked as is.
  CHECK(LookPath(t.dir + "/b/tool", "").value() == t.dir + "/b/tool");
  r = LookPath(t.dir + "/a/tool", path);
  CHECK(r.status().message() == "exec: \"" + t.dir + "/a/tool\": permission denied");
  CHECK(ExitCodeOf(r.status()) == kExitCannotExecute);
  r = LookPath(t.dir + "/a/dirtool", path);
  CHECK(ExitCodeOf(r.status()) == kExitCannotExecute);
  r = LookPath("/nosuch/x", path);
  CHECK(r.status().message() == "exec: \"/nosuch/x\": stat /nosuch/x: no such file or directory");
  CHECK(ExitCodeOf(r.status()) == kExitNotFound);
}

TEST_CASE("an empty PATH element means the current directory") {
  TempTree t;
  char old[4096];
  REQUIRE(getcwd(old, sizeof(old)) != nullptr);
  REQUIRE(chdir((t.dir + "/b").c_str()) == 0);
  absl::StatusOr<std::string> r = LookPath("tool", "/nonexistent::");
  REQUIRE(chdir(old) == 0);
  CHECK(r.value() == "./tool");
}

}  // namespace
}  // namespace runcvm
