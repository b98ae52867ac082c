// /etc/passwd and /etc/group, parsed purely. Docker resolves `-u name` and `--group-add name` to
// numbers in config.json itself, so inside the VM only HOME is still looked up by uid, the way
// runc does it.
#ifndef RUNCVM_COMMON_USERS_H_
#define RUNCVM_COMMON_USERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runcvm {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

// One entry per well-formed line; blank lines, comments ('#') and lines whose uid/gid is not a
// number are skipped (runc would read such a uid as 0; skipping cannot give anyone root's HOME).
std::vector<PasswdEntry> ParsePasswd(std::string_view contents);
std::vector<GroupEntry> ParseGroup(std::string_view contents);

// HOME for `uid` as runc 1.1 computes it (libcontainer/user.GetExecUser with "uid:gid"): the
// home field of the first entry whose name is the decimal uid or whose uid is `uid`; "/" when
// there is none (checked against runc: `docker run -u 4242 busybox env` shows HOME=/).
std::string HomeForUid(std::string_view passwd_contents, uint32_t uid);

// Reads `passwd_path` (normally /etc/passwd); an unreadable or missing file counts as empty, so
// the result is "/", as runc.
std::string ReadHomeForUid(const std::string& passwd_path, uint32_t uid);

}  // namespace runcvm

#endif  // RUNCVM_COMMON_USERS_H_
