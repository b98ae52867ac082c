#include "common/kmod.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace runcvm {

std::string ModuleName(std::string_view path_or_name) {
  std::string_view name = path_or_name;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  for (std::string_view suffix : {".xz", ".gz", ".zst"}) {
    if (absl::ConsumeSuffix(&name, suffix)) break;
  }
  absl::ConsumeSuffix(&name, ".ko");
  std::string out(name);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

absl::StatusOr<ModuleIndex> ParseModulesDep(std::string_view text) {
  ModuleIndex index;
  int line_no = 0;
  for (std::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("modules.dep line ", line_no, ": expected 'path: deps...'"));
    }
    ModuleEntry entry;
    entry.path = std::string(line.substr(0, colon));
    for (std::string_view dep :
         absl::StrSplit(line.substr(colon + 1), ' ', absl::SkipWhitespace())) {
      entry.deps.emplace_back(dep);
    }
    std::string name = ModuleName(entry.path);
    index.insert_or_assign(std::move(name), std::move(entry));
  }
  return index;
}

std::vector<std::string> ParseModuleList(std::string_view text) {
  std::vector<std::string> names;
  for (std::string_view line : absl::StrSplit(text, '\n')) {
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) names.push_back(ModuleName(line));
  }
  return names;
}

namespace {

// Depth-first, post-order: a module is appended once all it depends on has been. depmod already
// gives each module its full closure, but we still recurse, so an order is right even for a
// hand-written modules.dep that lists direct dependencies only.
class Planner {
 public:
  explicit Planner(const ModuleIndex& index) : index_(index) {}

  absl::Status Visit(const std::string& name) {
    if (done_.count(name)) return absl::OkStatus();
    if (active_.count(name)) {
      return absl::FailedPreconditionError(absl::StrCat("module dependency cycle through ", name));
    }
    auto it = index_.find(name);
    if (it == index_.end()) {
      return absl::NotFoundError(absl::StrCat("module ", name, " is not in modules.dep"));
    }
    active_.insert(name);
    // depmod writes the dependency loaded last first (modprobe walks the list backwards).
    const std::vector<std::string>& deps = it->second.deps;
    for (auto dep = deps.rbegin(); dep != deps.rend(); ++dep) {
      std::string dep_name = ModuleName(*dep);
      if (absl::Status st = Visit(dep_name); !st.ok()) {
        return absl::Status(st.code(), absl::StrCat(name, " needs ", st.message()));
      }
    }
    active_.erase(name);
    done_.insert(name);
    paths_.push_back(it->second.path);
    return absl::OkStatus();
  }

  std::vector<std::string> TakePaths() { return std::move(paths_); }

 private:
  const ModuleIndex& index_;
  std::set<std::string, std::less<>> active_;
  std::set<std::string, std::less<>> done_;
  std::vector<std::string> paths_;
};

}  // namespace

absl::StatusOr<LoadPlan> PlanModuleLoads(const ModuleIndex& index,
                                         const std::vector<std::string>& wanted) {
  LoadPlan plan;
  Planner planner(index);
  for (const std::string& raw : wanted) {
    std::string name = ModuleName(raw);
    if (!index.count(name)) {
      if (std::find(plan.missing.begin(), plan.missing.end(), name) == plan.missing.end()) {
        plan.missing.push_back(name);
      }
      continue;
    }
    if (absl::Status st = planner.Visit(name); !st.ok()) return st;
  }
  plan.paths = planner.TakePaths();
  return plan;
}

}  // namespace runcvm
