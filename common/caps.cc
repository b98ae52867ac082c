#include "common/caps.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"

namespace runcvm {
namespace {

void Resolve(const std::vector<std::string>& names, int max_bits, std::vector<cap_value_t>* out,
             std::vector<std::string>* ignored) {
  for (const std::string& name : names) {
    cap_value_t value;
    if (cap_from_name(name.c_str(), &value) != 0 || value < 0 || value >= max_bits) {
      if (std::find(ignored->begin(), ignored->end(), name) == ignored->end()) {
        ignored->push_back(name);
      }
      continue;
    }
    out->push_back(value);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

bool Contains(const std::vector<cap_value_t>& set, cap_value_t cap) {
  return std::binary_search(set.begin(), set.end(), cap);
}

// Frees a cap_t however we leave the scope.
struct CapFree {
  void operator()(cap_t caps) const { cap_free(caps); }
};

}  // namespace

ResolvedCapabilities ResolveCapabilities(const CapabilitySets& sets, int max_bits) {
  ResolvedCapabilities r;
  Resolve(sets.bounding, max_bits, &r.bounding, &r.ignored);
  Resolve(sets.effective, max_bits, &r.effective, &r.ignored);
  Resolve(sets.inheritable, max_bits, &r.inheritable, &r.ignored);
  Resolve(sets.permitted, max_bits, &r.permitted, &r.ignored);
  Resolve(sets.ambient, max_bits, &r.ambient, &r.ignored);
  return r;
}

absl::Status DropBoundingSet(const std::vector<cap_value_t>& keep) {
  const int max_bits = static_cast<int>(cap_max_bits());
  for (cap_value_t cap = 0; cap < max_bits; ++cap) {
    if (Contains(keep, cap)) continue;
    // Already dropped (a nested exec session, or vm-init dropped it): nothing to do.
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0) continue;
    if (cap_drop_bound(cap) != 0) {
      char* name = cap_to_name(cap);
      absl::Status st =
          ErrnoError(errno, absl::StrCat("drop ", name ? name : "?", " from the bounding set"));
      cap_free(name);
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status SetKeepCaps(bool keep) {
  if (prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) != 0) {
    return ErrnoError(errno, keep ? "prctl(PR_SET_KEEPCAPS, 1)" : "prctl(PR_SET_KEEPCAPS, 0)");
  }
  return absl::OkStatus();
}

absl::Status ApplyCapabilitySets(const ResolvedCapabilities& caps) {
  std::unique_ptr<struct _cap_struct, CapFree> state(cap_init());
  if (state == nullptr) return ErrnoError(errno, "cap_init");
  auto set = [&](cap_flag_t flag, const std::vector<cap_value_t>& values) -> absl::Status {
    if (values.empty()) return absl::OkStatus();
    if (cap_set_flag(state.get(), flag, static_cast<int>(values.size()), values.data(), CAP_SET) !=
        0) {
      return ErrnoError(errno, "cap_set_flag");
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(set(CAP_EFFECTIVE, caps.effective));
  RETURN_IF_ERROR(set(CAP_PERMITTED, caps.permitted));
  RETURN_IF_ERROR(set(CAP_INHERITABLE, caps.inheritable));
  if (cap_set_proc(state.get()) != 0) {
    return ErrnoError(errno, "set effective, permitted and inheritable capabilities");
  }
  // The ambient set survives execve only while its caps stay permitted and inheritable; clear
  // what vm-init may have had so the result is exactly the spec's.
  if (cap_reset_ambient() != 0 && errno != EINVAL) {
    return ErrnoError(errno, "clear the ambient capabilities");
  }
  for (cap_value_t cap : caps.ambient) {
    if (cap_set_ambient(cap, CAP_SET) != 0) {
      char* name = cap_to_name(cap);
      absl::Status st =
          ErrnoError(errno, absl::StrCat("raise ambient capability ", name ? name : "?"));
      cap_free(name);
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace runcvm
