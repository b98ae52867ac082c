#include "common/kmod.h"

#include <algorithm>
#include <set>

#include "catch2/catch.hpp"

namespace runcvm {
namespace {

// An excerpt of the modules.dep depmod writes for Debian 12's 6.1 cloud kernel.
constexpr std::string_view kModulesDep = R"(kernel/fs/fuse/fuse.ko:
kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/virtio/virtio.ko:
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_pci_modern_dev.ko:
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
)";

size_t IndexOf(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) - v.begin();
}

TEST_CASE("ModuleName normalises paths, suffixes and dashes") {
  CHECK(ModuleName("kernel/drivers/char/hw_random/virtio-rng.ko") == "virtio_rng");
  CHECK(ModuleName("kernel/fs/fuse/virtiofs.ko.xz") == "virtiofs");
  CHECK(ModuleName("kernel/fs/fuse/fuse.ko.zst") == "fuse");
  CHECK(ModuleName("virtio-net") == "virtio_net");
}

TEST_CASE("ParseModulesDep reads paths and dependencies") {
  auto index = ParseModulesDep(kModulesDep);
  REQUIRE(index.ok());
  CHECK(index->size() == 11);
  CHECK(index->at("virtiofs").path == "kernel/fs/fuse/virtiofs.ko");
  CHECK(index->at("virtiofs").deps.size() == 3);
  CHECK(index->at("fuse").deps.empty());
  CHECK(index->count("virtio_rng") == 1);
}

TEST_CASE("ParseModulesDep rejects a line without a colon") {
  CHECK(ParseModulesDep("kernel/a.ko\n").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("ParseModuleList skips comments and blanks") {
  auto names = ParseModuleList("# wanted\nvirtio_pci\n\n  virtio-rng  # entropy\next4\n");
  CHECK(names == std::vector<std::string>{"virtio_pci", "virtio_rng", "ext4"});
}

TEST_CASE("PlanModuleLoads puts dependencies first, each once") {
  auto index = ParseModulesDep(kModulesDep);
  REQUIRE(index.ok());
  auto plan = PlanModuleLoads(*index, {"virtio_pci", "virtiofs", "virtio_net", "virtio-rng",
                                       "ext4", "virtiofs"});
  REQUIRE(plan.ok());
  const auto& p = plan->paths;
  CHECK(p.size() == 11);
  std::set<std::string> unique(p.begin(), p.end());
  CHECK(unique.size() == p.size());
  // Every listed dependency precedes its module.
  for (const auto& [name, entry] : *index) {
    if (IndexOf(p, entry.path) == p.size()) continue;
    for (const auto& dep : entry.deps) CHECK(IndexOf(p, dep) < IndexOf(p, entry.path));
  }
  CHECK(IndexOf(p, "kernel/drivers/virtio/virtio.ko") < IndexOf(p, "kernel/drivers/virtio/virtio_ring.ko"));
  // ext4 is built into this kernel: reported, not an error (finit_module would say EEXIST).
  CHECK(plan->missing == std::vector<std::string>{"ext4"});
}

TEST_CASE("PlanModuleLoads follows direct-only dependencies transitively") {
  auto index = ParseModulesDep("a.ko: b.ko\nb.ko: c.ko\nc.ko:\n");
  REQUIRE(index.ok());
  auto plan = PlanModuleLoads(*index, {"a"});
  REQUIRE(plan.ok());
  CHECK(plan->paths == std::vector<std::string>{"c.ko", "b.ko", "a.ko"});
}

TEST_CASE("PlanModuleLoads reports cycles and dangling dependencies") {
  auto cyclic = ParseModulesDep("a.ko: b.ko\nb.ko: a.ko\n");
  REQUIRE(cyclic.ok());
  CHECK(PlanModuleLoads(*cyclic, {"a"}).status().code() == absl::StatusCode::kFailedPrecondition);
  auto dangling = ParseModulesDep("a.ko: gone.ko\n");
  REQUIRE(dangling.ok());
  auto st = PlanModuleLoads(*dangling, {"a"}).status();
  CHECK(st.code() == absl::StatusCode::kNotFound);
  CHECK(st.message() == "a needs module gone is not in modules.dep");
}

}  // namespace
}  // namespace runcvm
