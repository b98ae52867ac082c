#include "common/guest_setup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "common/fd.h"

namespace runcvm {
namespace {

// ---- pure ------------------------------------------------------------------------------------

MountOptions Parse(std::vector<std::string> options) { return ParseMountOptions(options); }

TEST_CASE("mount options split into flags and data, as runc's parseMountOptions") {
  MountOptions o = Parse({"nosuid", "nodev", "noexec", "rw", "size=65536k", "mode=1777"});
  CHECK(o.flags == (MS_NOSUID | MS_NODEV | MS_NOEXEC));
  CHECK(o.data == "size=65536k,mode=1777");
  CHECK(o.propagation == 0);

  o = Parse({"ro", "nosuid"});
  CHECK(o.flags == (MS_RDONLY | MS_NOSUID));
  CHECK(o.data.empty());

  // Later words win: rw clears an earlier ro, exec an earlier noexec.
  o = Parse({"ro", "noexec", "rw", "exec", "suid", "nosuid", "dev"});
  CHECK(o.flags == MS_NOSUID);

  o = Parse({"rbind", "rprivate", "noatime", "strictatime", "uid=1000", "gid=1000", "tmpcopyup"});
  CHECK(o.flags == (MS_BIND | MS_REC | MS_NOATIME | MS_STRICTATIME));
  CHECK(o.propagation == (MS_PRIVATE | MS_REC));
  CHECK(o.data == "uid=1000,gid=1000");

  CHECK(Parse({}).flags == 0);
  CHECK(Parse({"defaults"}).flags == 0);
}

TEST_CASE("guest mounts parse from the launch spec") {
  absl::StatusOr<Json> j = ParseJson(R"([
    {"destination": "/tmp/x", "type": "tmpfs", "source": "tmpfs",
     "options": ["rw", "size=65536k", "mode=1777"]},
    {"destination": "/run", "type": "tmpfs"}])",
                                     "test");
  REQUIRE(j.ok());
  absl::StatusOr<std::vector<GuestMount>> m = ParseGuestMounts(*j);
  REQUIRE(m.ok());
  REQUIRE(m->size() == 2);
  CHECK((*m)[0].destination == "/tmp/x");
  CHECK((*m)[0].type == "tmpfs");
  CHECK((*m)[0].source == "tmpfs");
  CHECK((*m)[0].options == std::vector<std::string>{"rw", "size=65536k", "mode=1777"});
  CHECK((*m)[1].source == "tmpfs");  // defaults to the type
  CHECK((*m)[1].options.empty());

  CHECK(ParseGuestMounts(Json()).value().empty());
  auto err = [](std::string_view text) {
    return std::string(ParseGuestMounts(ParseJson(text, "t").value()).status().message());
  };
  CHECK(err(R"({})") == "guest_mounts: expected an array");
  CHECK(err(R"([{"destination": "x", "type": "tmpfs"}])") ==
        "guest_mounts[0].destination: expected an absolute path");
  CHECK(err(R"([{"destination": "/x"}])") == "guest_mounts[0].type: expected a filesystem type");
  CHECK(err(R"([{"destination": "/x", "type": "tmpfs", "options": [1]}])") ==
        "guest_mounts[0].options[0]: expected a string");
}

TEST_CASE("mountinfo lines parse, with optional fields and octal escapes") {
  std::vector<MountInfo> m = ParseMountInfo(
      "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw\n"
      "23 1 0:22 / /sys rw,nosuid shared:6 master:1 - sysfs sysfs rw\n"
      "24 1 0:23 / /mnt/with\\040space rw - tmpfs my\\011src rw,size=10k\n"
      "25 1 0:24 / /dev rw - devtmpfs devtmpfs rw\n"
      "garbage line\n");
  REQUIRE(m.size() == 4);
  CHECK(m[0].mount_point == "/proc");
  CHECK(m[0].fs_type == "proc");
  CHECK(m[0].options == "rw,nosuid,nodev,noexec,relatime");
  CHECK(m[1].fs_type == "sysfs");
  CHECK(m[2].mount_point == "/mnt/with space");
  CHECK(m[2].source == "my\tsrc");
  CHECK(m[3].mount_point == "/dev");
}

// ---- effects, as root in throw-away namespaces -------------------------------------------------

// Runs `body` in a forked child that first gets its own mount namespace (private, so nothing
// reaches the host) plus `extra_flags`; returns "" when the child succeeded, else its message.
std::string InChild(int extra_flags, const std::function<std::string()>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::string result;
    if (unshare(CLONE_NEWNS | extra_flags) != 0) {
      result = absl::StrCat("unshare: ", strerror(errno));
    } else if (mount("", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      result = absl::StrCat("make private: ", strerror(errno));
    } else {
      result = body();
    }
    (void)WriteAll(fds[1], result);
    _exit(result.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string message = ReadAll(fds[0]).value_or("read failed");
  close(fds[0]);
  int status;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  if (message.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    message = absl::StrCat("child died, status ", status);
  }
  return message;
}

// An empty directory on the host, removed by the parent once the child is gone (the child
// cannot: in its namespace the directory is a busy mount point).
struct ScratchDir {
  std::string path;
  ScratchDir() {
    char tmpl[] = "/tmp/guestroot-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() { rmdir(path.c_str()); }
};

// A fresh tmpfs on `dir` made the process root: the functions under test see "/" as the VM would.
std::string EnterScratchRoot(const std::string& dir) {
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "mode=0755") != 0)
    return "mount scratch tmpfs failed";
  if (chdir(dir.c_str()) != 0 || chroot(".") != 0 || chdir("/") != 0) return "chroot failed";
  return "";
}

long FsType(const char* path) {
  struct statfs st;
  return statfs(path, &st) == 0 ? static_cast<long>(st.f_type) : -1;
}

std::string LinkTarget(const char* path) {
  char buf[256];
  ssize_t n = readlink(path, buf, sizeof(buf));
  return n < 0 ? "" : std::string(buf, n);
}

bool IsRoot() { return geteuid() == 0; }

TEST_CASE("MountContainerFilesystems builds /proc, /sys, /dev and cgroup2, idempotently") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  ScratchDir scratch;
  std::string result = InChild(0, [&] {
    if (std::string e = EnterScratchRoot(scratch.path); !e.empty()) return e;
    // Stand in for devtmpfs with a tmpfs: the real devtmpfs is the host's single instance, and
    // this test must not create anything in it.
    mkdir("/dev", 0755);
    if (mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") != 0) return std::string("dev tmpfs");
    for (int i = 0; i < 2; ++i) {
      absl::Status st = MountContainerFilesystems();
      if (!st.ok()) return absl::StrCat("call ", i + 1, ": ", st.ToString());
    }
    if (FsType("/proc") != 0x9fa0) return std::string("/proc is not procfs");
    if (FsType("/sys") != 0x62656572) return std::string("/sys is not sysfs");
    if (FsType("/dev/pts") != 0x1cd1) return std::string("/dev/pts is not devpts");
    if (FsType("/dev/shm") != 0x01021994) return std::string("/dev/shm is not tmpfs");
    if (FsType("/dev/mqueue") != 0x19800202) return std::string("/dev/mqueue is not mqueue");
    if (FsType("/sys/fs/cgroup") != 0x63677270) return std::string("/sys/fs/cgroup is not cgroup2");
    struct stat st;
    if (stat("/dev/shm", &st) != 0 || (st.st_mode & 07777) != 01777)
      return std::string("/dev/shm mode");
    if (LinkTarget("/dev/ptmx") != "pts/ptmx") return std::string("/dev/ptmx link");
    if (LinkTarget("/dev/fd") != "/proc/self/fd") return std::string("/dev/fd link");
    if (LinkTarget("/dev/stdin") != "/proc/self/fd/0") return std::string("/dev/stdin link");
    if (LinkTarget("/dev/stderr") != "/proc/self/fd/2") return std::string("/dev/stderr link");
    if (stat("/run", &st) != 0 || !S_ISDIR(st.st_mode)) return std::string("/run missing");
    // The pty pair works through the symlink, with the new devpts instance.
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
    if (master < 0) return absl::StrCat("open /dev/ptmx: ", strerror(errno));
    close(master);
    // Idempotent: exactly one mount per mount point after two calls.
    std::string info = ReadFile("/proc/self/mountinfo").value_or("");
    for (const char* mp : {" /proc ", " /sys ", " /dev/pts ", " /dev/shm ", " /sys/fs/cgroup "}) {
      size_t first = info.find(mp);
      if (first == std::string::npos || info.find(mp, first + 1) != std::string::npos) {
        return absl::StrCat("expected one mount at", mp, "in\n", info);
      }
    }
    return std::string();
  });
  CHECK(result == "");
}

TEST_CASE("an image without /run gets the directory, an image's /run is not shadowed") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  ScratchDir scratch;
  std::string result = InChild(0, [&] {
    if (std::string e = EnterScratchRoot(scratch.path); !e.empty()) return e;
    mkdir("/dev", 0755);
    mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755");
    mkdir("/run", 0700);
    (void)WriteFile("/run/image-file", "x");
    if (absl::Status st = MountContainerFilesystems(); !st.ok()) return st.ToString();
    if (!PathExists("/run/image-file")) return std::string("/run was shadowed");
    return std::string();
  });
  CHECK(result == "");
}

TEST_CASE("guest tmpfs mounts: destinations created, options applied, a repeat remounts") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  ScratchDir scratch;
  std::string result = InChild(0, [&] {
    if (std::string e = EnterScratchRoot(scratch.path); !e.empty()) return e;
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, nullptr);
    std::vector<GuestMount> mounts = {
        {"/deep/new/dir", "tmpfs", "tmpfs", {"nosuid", "nodev", "noexec", "size=1m", "mode=1777"}},
        {"/ro", "tmpfs", "tmpfs", {"ro", "size=64k"}}};
    if (absl::Status st = MountGuestMounts(mounts); !st.ok()) return st.ToString();
    struct statvfs v;
    if (statvfs("/deep/new/dir", &v) != 0) return std::string("statvfs");
    if (!(v.f_flag & ST_NOSUID) || !(v.f_flag & ST_NODEV) || !(v.f_flag & ST_NOEXEC) ||
        (v.f_flag & ST_RDONLY)) {
      return absl::StrCat("flags ", v.f_flag);
    }
    if (v.f_blocks * v.f_frsize != 1024 * 1024)
      return absl::StrCat("size ", v.f_blocks * v.f_frsize);
    struct stat st;
    if (stat("/deep/new/dir", &st) != 0 || (st.st_mode & 07777) != 01777)
      return std::string("mode");
    if (statvfs("/ro", &v) != 0 || !(v.f_flag & ST_RDONLY)) return std::string("/ro not read-only");
    // Second call with a new size: a remount, not a second mount (so /dev/shm can take the
    // spec's --shm-size after MountContainerFilesystems mounted the default).
    (void)WriteFile("/deep/new/dir/keep", "x");
    mounts[0].options = {"nosuid", "nodev", "noexec", "size=2m", "mode=1777"};
    if (absl::Status s = MountGuestMounts(mounts); !s.ok()) return s.ToString();
    if (!PathExists("/deep/new/dir/keep")) return std::string("remount lost the contents");
    if (statvfs("/deep/new/dir", &v) != 0 || v.f_blocks * v.f_frsize != 2 * 1024 * 1024) {
      return std::string("size after remount");
    }
    return std::string();
  });
  CHECK(result == "");
}

TEST_CASE("RemountRootReadOnly makes / read-only and leaves other mounts writable") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  ScratchDir scratch;
  std::string result = InChild(0, [&] {
    if (std::string e = EnterScratchRoot(scratch.path); !e.empty()) return e;
    mkdir("/tmp", 01777);
    mount("tmpfs", "/tmp", "tmpfs", 0, nullptr);
    for (int i = 0; i < 2; ++i) {
      if (absl::Status st = RemountRootReadOnly(); !st.ok()) return st.ToString();
    }
    if (mkdir("/newdir", 0755) == 0 || errno != EROFS) return std::string("/ still writable");
    if (!WriteFile("/tmp/ok", "x").ok()) return std::string("/tmp not writable");
    return std::string();
  });
  CHECK(result == "");
}

TEST_CASE("BringUpLoopback brings lo up in a fresh network namespace") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  std::string result = InChild(CLONE_NEWNET, [] {
    for (int i = 0; i < 2; ++i) {
      if (absl::Status st = BringUpLoopback(); !st.ok()) return st.ToString();
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0 || !(ifr.ifr_flags & IFF_UP))
      return std::string("lo down");
    // The kernel gave it 127.0.0.1: a UDP socket can bind there.
    struct sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return absl::StrCat("bind 127.0.0.1: ", strerror(errno));
    }
    close(s);
    return std::string();
  });
  CHECK(result == "");
}

TEST_CASE("MountProcForNewPidNamespace shows only the namespace's processes") {
  if (!IsRoot()) {
    WARN("skipped: needs root");
    return;
  }
  std::string result = InChild(CLONE_NEWPID, [] {
    // After unshare(CLONE_NEWPID) the next child is PID 1 of the new namespace.
    int fds[2];
    if (pipe(fds) != 0) return std::string("pipe");
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      std::string r;
      if (absl::Status st = MountProcForNewPidNamespace(); !st.ok()) {
        r = st.ToString();
      } else if (LinkTarget("/proc/self") != "1") {
        r = absl::StrCat("/proc/self is ", LinkTarget("/proc/self"));
      } else if (PathExists("/proc/2") || !PathExists("/proc/1")) {
        r = "other processes are visible";
      }
      (void)WriteAll(fds[1], r);
      _exit(0);
    }
    close(fds[1]);
    std::string r = ReadAll(fds[0]).value_or("read");
    waitpid(pid, nullptr, 0);
    return r;
  });
  CHECK(result == "");
}

}  // namespace
}  // namespace runcvm
