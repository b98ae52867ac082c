#include "common/host_config_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/fd.h"
#include "common/status.h"

namespace runcvm {
namespace {

struct Current {
  std::string path;  // the file itself, after following a symlink
  bool exists = false;
  struct stat st = {};
  std::string text;
};

// A daemon.json that is a symlink (to a config-management checkout, say) is edited where it
// points, so that the link survives.
absl::StatusOr<Current> ReadCurrent(const std::string& file) {
  Current c;
  c.path = file;
  char resolved[PATH_MAX];
  struct stat lst;
  if (lstat(file.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode) &&
      realpath(file.c_str(), resolved) != nullptr) {
    c.path = resolved;
  }
  if (stat(c.path.c_str(), &c.st) != 0) {
    if (errno != ENOENT) return ErrnoError(errno, absl::StrCat("stat '", c.path, "'"));
    return c;
  }
  if (!S_ISREG(c.st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("'", c.path, "' is not a regular file"));
  }
  c.exists = true;
  ASSIGN_OR_RETURN(c.text, ReadFile(c.path));
  return c;
}

// Replaces `path` with `data` through a temporary file in the same directory, with the mode and
// owner of `like` (a new file: 0644, root), flushed to disk before the rename so that a crash
// leaves the old file or the new one, never an empty one.
absl::Status ReplaceFile(const std::string& path, std::string_view data, const struct stat* like) {
  std::string tmp = absl::StrCat(path, ".runcvm-tmp.", getpid());
  mode_t mode = like != nullptr ? (like->st_mode & 07777) : 0644;
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return ErrnoError(errno, absl::StrCat("create '", tmp, "'"));
  absl::Status s = WriteAll(fd.get(), data);
  if (s.ok() && like != nullptr && fchown(fd.get(), like->st_uid, like->st_gid) != 0) {
    s = ErrnoError(errno, absl::StrCat("chown '", tmp, "'"));
  }
  if (s.ok() && fchmod(fd.get(), mode) != 0) s = ErrnoError(errno, absl::StrCat("chmod '", tmp, "'"));
  if (s.ok() && fsync(fd.get()) != 0) s = ErrnoError(errno, absl::StrCat("fsync '", tmp, "'"));
  fd.reset();
  if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoError(errno, absl::StrCat("replace '", path, "'"));
  }
  if (!s.ok()) unlink(tmp.c_str());
  return s;
}

absl::Status RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError(errno, absl::StrCat("remove '", path, "'"));
  }
  return absl::OkStatus();
}

std::string KindName(HostConfigKind kind) {
  return kind == HostConfigKind::kDocker ? "Docker" : "Podman";
}

}  // namespace

absl::StatusOr<RegistrationResult> RegisterRuntime(HostConfigKind kind, const std::string& file,
                                                   std::string_view name,
                                                   std::string_view runtime_path, bool dry_run) {
  ASSIGN_OR_RETURN(Current cur, ReadCurrent(file));
  absl::StatusOr<std::optional<std::string>> updated =
      AddRuntime(kind, cur.text, name, runtime_path);
  if (!updated.ok()) {
    return Annotate(updated.status(), absl::StrCat("'", cur.path, "' left untouched"));
  }
  RegistrationResult result;
  if (!updated->has_value()) {
    result.message = absl::StrCat(cur.path, ": runtime ", name, " already registered, unchanged");
    return result;
  }
  result.changed = true;
  if (dry_run) {
    result.message = absl::StrCat(cur.path, ": would register runtime ", name);
    return result;
  }
  // Save the original once. A backup from an earlier install is kept while our runtime is still
  // in the file (it is then the only record of what was there before us); when our runtime is
  // gone, the file was reverted by other means and the backup is stale.
  const std::string backup = absl::StrCat(cur.path, kBackupSuffix);
  const std::string created = absl::StrCat(cur.path, kCreatedSuffix);
  ASSIGN_OR_RETURN(std::optional<std::string> without_us, RemoveRuntime(kind, cur.text, name));
  bool have_record = PathExists(backup) || PathExists(created);
  std::string note;
  if (!have_record || !without_us.has_value()) {
    if (cur.exists) {
      RETURN_IF_ERROR(ReplaceFile(backup, cur.text, &cur.st));
      RETURN_IF_ERROR(RemoveIfExists(created));
      note = absl::StrCat(" (original saved as ", backup, ")");
    } else {
      RETURN_IF_ERROR(ReplaceFile(created, "", nullptr));
      RETURN_IF_ERROR(RemoveIfExists(backup));
      note = " (new file)";
    }
  }
  if (!cur.exists) {
    std::string dir = cur.path.substr(0, cur.path.rfind('/'));
    if (!dir.empty() && mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return ErrnoError(errno, absl::StrCat("mkdir '", dir, "'"));
    }
  }
  RETURN_IF_ERROR(ReplaceFile(cur.path, **updated, cur.exists ? &cur.st : nullptr));
  result.message = absl::StrCat(cur.path, ": registered ", KindName(kind), " runtime ", name, " -> ",
                                runtime_path, note);
  return result;
}

absl::StatusOr<RegistrationResult> UnregisterRuntime(HostConfigKind kind, const std::string& file,
                                                     std::string_view name) {
  ASSIGN_OR_RETURN(Current cur, ReadCurrent(file));
  const std::string backup = absl::StrCat(cur.path, kBackupSuffix);
  const std::string created = absl::StrCat(cur.path, kCreatedSuffix);
  RegistrationResult result;
  if (!cur.exists) {
    RETURN_IF_ERROR(RemoveIfExists(created));
    result.message = absl::StrCat(cur.path, ": absent, nothing to do");
    return result;
  }
  absl::StatusOr<std::optional<std::string>> stripped = RemoveRuntime(kind, cur.text, name);
  if (!stripped.ok()) {
    return Annotate(stripped.status(), absl::StrCat("'", cur.path, "' left untouched"));
  }
  if (!stripped->has_value()) {
    // Someone took our runtime out already: whatever the backup says is no longer the truth.
    RETURN_IF_ERROR(RemoveIfExists(backup));
    RETURN_IF_ERROR(RemoveIfExists(created));
    result.message = absl::StrCat(cur.path, ": runtime ", name, " not registered, unchanged");
    return result;
  }
  result.changed = true;
  const std::string& rest = **stripped;
  if (PathExists(created) && SameConfig(kind, rest, "")) {
    if (unlink(cur.path.c_str()) != 0) return ErrnoError(errno, absl::StrCat("remove '", cur.path, "'"));
    RETURN_IF_ERROR(RemoveIfExists(created));
    result.message = absl::StrCat(cur.path, ": removed (the installer had created it)");
    return result;
  }
  absl::StatusOr<std::string> original = ReadFile(backup);
  if (original.ok() && SameConfig(kind, rest, *original)) {
    // The backup has the original's bytes, mode and owner: renaming it back restores the file
    // exactly as it was before the install.
    if (rename(backup.c_str(), cur.path.c_str()) != 0) {
      return ErrnoError(errno, absl::StrCat("restore '", cur.path, "' from '", backup, "'"));
    }
    RETURN_IF_ERROR(RemoveIfExists(created));
    result.message = absl::StrCat(cur.path, ": restored from ", backup, " (as before the install)");
    return result;
  }
  bool had_record = original.ok() || PathExists(created);
  RETURN_IF_ERROR(ReplaceFile(cur.path, rest, &cur.st));
  RETURN_IF_ERROR(RemoveIfExists(backup));
  RETURN_IF_ERROR(RemoveIfExists(created));
  result.message = absl::StrCat(cur.path, ": removed runtime ", name,
 had_record ? " (the file changed since the install: the rest is kept)"
                                    : "");
  return result;
}

}  // namespace runcvm
