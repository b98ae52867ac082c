#include "common/users.h"

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

constexpr std::string_view kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment:x:1000:1000::/comment:/bin/sh\n"
    "\n"
    "broken:x:notanumber:0::/broken:/bin/sh\n"
    "  user:x:1000:1000:User One:/home/user:/bin/bash  \n"
    "dup:x:1000:1000::/home/dup:/bin/sh\n"
    "2000:x:3000:3000::/home/named2000:/bin/sh\n"
    "short:x:4000:4000\n";

TEST_CASE("passwd lines parse field by field, skipping what is not an entry") {
  std::vector<PasswdEntry> e = ParsePasswd(kPasswd);
  REQUIRE(e.size() == 5);
  CHECK(e[0].name == "root");
  CHECK(e[0].home == "/root");
  CHECK(e[1].name == "user");
  CHECK(e[1].uid == 1000);
  CHECK(e[1].gid == 1000);
  CHECK(e[1].gecos == "User One");
  CHECK(e[1].home == "/home/user");
  CHECK(e[1].shell == "/bin/bash");
  CHECK(e[4].name == "short");
  CHECK(e[4].home.empty());
}

TEST_CASE("HOME by uid follows runc: first match by uid or by name, else /") {
  CHECK(HomeForUid(kPasswd, 0) == "/root");
  CHECK(HomeForUid(kPasswd, 1000) == "/home/user");       // the first of two entries
  CHECK(HomeForUid(kPasswd, 2000) == "/home/named2000");  // a user *named* "2000"
  CHECK(HomeForUid(kPasswd, 3000) == "/home/named2000");
  CHECK(HomeForUid(kPasswd, 4242) == "/");  // `docker run -u 4242` shows HOME=/
  CHECK(HomeForUid("", 0) == "/");
}

TEST_CASE("a missing passwd file gives /") {
  CHECK(ReadHomeForUid("/nonexistent/passwd", 0) == "/");
}

TEST_CASE("group lines parse with their members") {
  std::vector<GroupEntry> g = ParseGroup(
      "root:x:0:\n"
      "wheel:x:10:root,user\n"
      "bad:x:x:\n"
      "nomembers:x:20\n");
  REQUIRE(g.size() == 3);
  CHECK(g[0].name == "root");
  CHECK(g[0].members.empty());
  CHECK(g[1].gid == 10);
  CHECK(g[1].members == std::vector<std::string>{"root", "user"});
  CHECK(g[2].name == "nomembers");
  CHECK(g[2].gid == 20);
}

}  // namespace
}  // namespace runcvm
