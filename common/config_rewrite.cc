#include "common/config_rewrite.h"

#include <sys/capability.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace runcvm {
namespace {

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kDefaultCpuPeriod = 100000;  // the kernel's CFS default, and Docker's

// Capabilities the container-side processes need, and all they get, whatever Docker granted the
// workload (which gets exactly its own set back inside the VM): QEMU and virtiofsd run as root and
// must keep them across exec, and --cap-drop must not break the VM's plumbing.
//   NET_ADMIN: bridge + tap; NET_RAW: the DNS relay's sockets; SYS_ADMIN: virtiofsd's sandbox and
//   mounts; DAC_READ_SEARCH: virtiofsd's open_by_handle_at; SYS_RESOURCE: raise RLIMIT_NOFILE and
//   RLIMIT_MEMLOCK for QEMU/virtiofsd; IPC_LOCK: locked guest RAM; MKNOD: /dev/net/tun when it is
//   missing, and guest mknod through virtiofsd; SYS_NICE: vCPU thread priorities.
// The file-serving set below keeps virtiofsd able to chown/chmod/setuid on the guest's behalf,
// also under --cap-drop=ALL.
constexpr std::string_view kContainerCaps[] = {
    "CAP_NET_ADMIN",  "CAP_SYS_ADMIN",    "CAP_DAC_READ_SEARCH", "CAP_SYS_RESOURCE",
    "CAP_IPC_LOCK",   "CAP_NET_RAW",      "CAP_MKNOD",           "CAP_SYS_NICE",
    "CAP_CHOWN",      "CAP_DAC_OVERRIDE", "CAP_FOWNER",          "CAP_FSETID",
    "CAP_SETGID",     "CAP_SETUID",       "CAP_SETFCAP",         "CAP_SETPCAP",
    "CAP_SYS_CHROOT", "CAP_KILL",
};

struct DeviceSpec {
  std::string_view path;
  int64_t major, minor;
};
constexpr DeviceSpec kTun = {"/dev/net/tun", 10, 200};
constexpr DeviceSpec kKvm = {"/dev/kvm", 10, 232};
constexpr DeviceSpec kVhostNet = {"/dev/vhost-net", 10, 238};

absl::Status Malformed(std::string_view field, std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat("config.json: ", field, ": ", expected));
}

bool IsAtOrUnder(std::string_view path, std::string_view dir) {
  if (dir == "/") return absl::StartsWith(path, "/");
  return path == dir ||
         (absl::StartsWith(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

// Mount destinations as Docker writes them are clean; drop a trailing slash so prefix tests hold.
std::string CleanDestination(std::string_view d) {
  while (d.size() > 1 && d.back() == '/') d.remove_suffix(1);
  return std::string(d);
}

bool HasOption(const Json& mount, std::string_view option) {
  const Json* options = FindMember(mount, "options");
  if (options == nullptr || !options->is_array()) return false;
  return std::any_of(options->begin(), options->end(), [&](const Json& o) {
    return o.is_string() && o.get<std::string>() == option;
  });
}

bool IsBindMount(const Json& mount) {
  std::optional<std::string> type = GetString(mount, "type");
  if (type == "bind") return true;
  // OCI allows type "none" (or none at all) with a bind option.
  return (!type || *type == "none") && (HasOption(mount, "bind") || HasOption(mount, "rbind"));
}

Json MakeMount(std::string_view destination, std::string_view type, std::string_view source,
               std::initializer_list<std::string_view> options) {
  Json mount = Json::object();
  mount["destination"] = destination;
  mount["type"] = type;
  mount["source"] = source;
  mount["options"] = Json::array();
  for (std::string_view o : options) mount["options"].push_back(o);
  return mount;
}

// The number of CPUs in a cpuset list such as "0-3,6"; 0 when it cannot be parsed.
int64_t CountCpuset(std::string_view list) {
  int64_t count = 0;
  for (std::string_view part : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    std::vector<std::string_view> range = absl::StrSplit(part, '-');
    int64_t lo, hi;
    if (range.size() == 1 && absl::SimpleAtoi(range[0], &lo)) {
      count += 1;
    } else if (range.size() == 2 && absl::SimpleAtoi(range[0], &lo) &&
               absl::SimpleAtoi(range[1], &hi) && hi >= lo) {
      count += hi - lo + 1;
    } else {
      return 0;
    }
  }
  return count;
}

absl::Status CheckNetwork(const Json& linux, const HostFacts& facts) {
  const Json* namespaces = FindMember(linux, "namespaces");
  const Json* network = nullptr;
  if (namespaces != nullptr && namespaces->is_array()) {
    for (const Json& ns : *namespaces) {
      if (GetString(ns, "type") == "network") network = &ns;
    }
  }
  // The VM takes over the container's network namespace (its addresses move to the VM), so the
  // namespace must be the container's own and nobody else's: a new one (no path), or one prepared
  // for this container that no process has joined.
  if (network == nullptr || (FindMember(*network, "path") != nullptr && facts.netns_path_is_host)) {
    return absl::FailedPreconditionError(
        "--network=host is not supported: a RunCVM container needs its own network namespace");
  }
  if (FindMember(*network, "path") != nullptr && !facts.netns_path_unused) {
    return absl::FailedPreconditionError(
        absl::StrCat("--network=container:NAME (a shared network namespace, ",
                     GetString(*network, "path").value_or("?"),
                     ") is not supported: a RunCVM container needs its own network namespace"));
  }
  return absl::OkStatus();
}

struct KernelChoice {
  std::string dist, version;
  std::string kernel, initrd;                  // container paths
  std::string modules_source, modules_target;  // host path, container path; "" for none
  // An image's own kernel: its module tree in the container, and the bundled kernel's module
  // list, which init uses to extend the initrd (image_kernel.h).
  std::string image_modules, module_list;
};

// The bundled kernel <dist>/<version> ("latest" resolved); `why` says which rule chose it.
absl::StatusOr<KernelChoice> BundledKernel(const std::string& dist, const std::string& version,
                                           const RuncvmOptions& options, const HostFacts& facts) {
  const std::string requested_path =
      absl::StrCat(facts.runcvm_root, "/kernels/", dist, "/", version);
  auto it = facts.kernels.find(dist);
  std::string resolved;
  if (it != facts.kernels.end()) {
    const KernelDist& kd = it->second;
    std::string want = version == "latest" ? kd.latest : version;
    if (!want.empty() &&
        std::find(kd.versions.begin(), kd.versions.end(), want) != kd.versions.end()) {
      resolved = want;
    }
  }
  if (resolved.empty()) {
    std::vector<std::string> available;
    for (const auto& [d, kd] : facts.kernels) {
      for (const std::string& v : kd.versions) available.push_back(absl::StrCat(d, "/", v));
    }
    std::string have = available.empty()
                           ? "no kernels are installed"
                           : absl::StrCat("available: ", absl::StrJoin(available, ", "));
    if (options.kernel.empty()) {
      return absl::NotFoundError(
          absl::StrCat("no kernel at ", requested_path,
                       " (the default; set RUNCVM_KERNEL=<dist>[/<version>]; ", have, ")"));
    }
    return absl::NotFoundError(absl::StrCat("invalid RUNCVM_KERNEL=", options.kernel,
                                            ": no kernel at ", requested_path, " (", have, ")"));
  }
  KernelChoice k;
  k.dist = dist;
  k.version = resolved;
  std::string dir = absl::StrCat(kContainerRuncvmRoot, "/kernels/", dist, "/", resolved);
  k.kernel = absl::StrCat(dir, "/vmlinuz");
  k.initrd = absl::StrCat(dir, "/initrd");
  k.module_list = absl::StrCat(dir, "/modules.list");
  std::string host_modules =
      absl::StrCat(facts.runcvm_root, "/kernels/", dist, "/", resolved, "/modules");
  if (options.kernel_mount_lib_modules) {
    k.modules_source = host_modules;
    k.modules_target = absl::StrCat(kVmMountpoint, "/lib/modules");
  } else {
    k.modules_source = absl::StrCat(host_modules, "/", resolved);
    k.modules_target = absl::StrCat(kVmMountpoint, "/lib/modules/", resolved);
  }
  return k;
}

// The seed's kernel auto-detection: RUNCVM_KERNEL=<dist>[/<version>] when given; else the image's
// own kernel at its distribution's place (os-release ID); else a bundled kernel for that
// distribution; else the bundled Debian kernel.
absl::StatusOr<KernelChoice> SelectKernel(const RuncvmOptions& options, const HostFacts& facts) {
  if (!options.kernel.empty()) {
    std::vector<std::string> parts = absl::StrSplit(options.kernel, absl::MaxSplits('/', 1));
    return BundledKernel(parts[0], parts.size() == 2 ? parts[1] : "latest", options, facts);
  }
  const ImageKernel& image = facts.image_kernel;
  if (!image.kernel.empty()) {
    if (!image.problem.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          image.problem, "; set RUNCVM_KERNEL=<dist> to boot a bundled kernel instead"));
    }
    // Our initramfs (from the bundled default kernel) with the image's modules appended.
    ASSIGN_OR_RETURN(KernelChoice base, BundledKernel("debian", "latest", options, facts));
    KernelChoice k;
    k.dist = image.os_id;
    k.version = image.release;
    k.kernel = absl::StrCat(kVmMountpoint, image.kernel);
    k.initrd = base.initrd;
    k.module_list = base.module_list;
    k.image_modules = absl::StrCat(kVmMountpoint, "/lib/modules/", image.release);
    return k;
  }
  std::string dist = facts.kernels.count(image.os_id) ? image.os_id : "debian";
  return BundledKernel(dist, "latest", options, facts);
}

// Docker --init puts its tini at process.args[0] ("/sbin/docker-init", "--", cmd...), Podman
// "/dev/init". Our own init takes that role in the VM, so the workload is cmd... and init=true.
bool StripDockerInit(Json& process, std::string* init_path) {
  Json* args = FindMember(process, "args");
  if (args == nullptr || !args->is_array() || args->empty() || !(*args)[0].is_string())
    return false;
  std::string first = (*args)[0].get<std::string>();
  if (first != "/sbin/docker-init" && first != "/dev/init") return false;
  *init_path = first;
  args->erase(args->begin());
  if (!args->empty() && (*args)[0] == "--") args->erase(args->begin());
  return true;
}

absl::Status ValidateProcess(const Json& process) {
  if (!process.is_object()) return Malformed(".process", "expected an object");
  const Json* args = FindMember(process, "args");
  if (args == nullptr || !args->is_array() || args->empty() ||
      !std::all_of(args->begin(), args->end(), [](const Json& a) { return a.is_string(); })) {
    return Malformed(".process.args", "expected a non-empty array of strings");
  }
  return absl::OkStatus();
}

// Adds a device node and its cgroup rule, once.
void AddDevice(Json& linux, const DeviceSpec& d) {
  Json& devices = linux["devices"];
  if (!devices.is_array()) devices = Json::array();
  bool present = std::any_of(devices.begin(), devices.end(),
                             [&](const Json& dev) { return GetString(dev, "path") == d.path; });
  if (!present) {
    Json dev = Json::object();
    dev["path"] = d.path;
    dev["type"] = "c";
    dev["major"] = d.major;
    dev["minor"] = d.minor;
    dev["fileMode"] = 0666;
    dev["uid"] = 0;
    dev["gid"] = 0;
    devices.push_back(std::move(dev));
  }
  Json& resources = linux["resources"];
  if (!resources.is_object()) resources = Json::object();
  Json& rules = resources["devices"];
  if (!rules.is_array()) rules = Json::array();
  Json rule = Json::object();
  rule["allow"] = true;
  rule["type"] = "c";
  rule["major"] = d.major;
  rule["minor"] = d.minor;
  rule["access"] = "rwm";
  rules.push_back(std::move(rule));
}

struct VmSize {
  int64_t cpus = 0;
  int64_t memory_mib = kDefaultMemoryMib;
};

// --cpus and --cpuset-cpus size the VM; --memory is its RAM and the container's limit grows by
// the overhead. No --memory: no limit is invented (the original imposed 768 MiB on everyone).
absl::StatusOr<VmSize> SizeVm(Json& linux) {
  VmSize size;
  Json* resources = FindMember(linux, "resources");
  if (resources == nullptr || !resources->is_object()) return size;

  if (Json* cpu = FindMember(*resources, "cpu"); cpu != nullptr && cpu->is_object()) {
    int64_t from_quota = 0, from_cpuset = 0;
    std::optional<int64_t> quota = GetInt(*cpu, "quota");
    if (quota && *quota > 0) {
      int64_t period = GetInt(*cpu, "period").value_or(kDefaultCpuPeriod);
      if (period <= 0) period = kDefaultCpuPeriod;
      from_quota = (*quota + period - 1) / period;  // --cpus 1.5 -> 2 vCPUs, the quota stays 1.5
    }
    if (std::optional<std::string> cpus = GetString(*cpu, "cpus"); cpus && !cpus->empty()) {
      from_cpuset = CountCpuset(*cpus);
    }
    if (from_quota > 0 && from_cpuset > 0) {
      size.cpus = std::min(from_quota, from_cpuset);
    } else {
      size.cpus = std::max(from_quota, from_cpuset);
    }
  }

  if (Json* memory = FindMember(*resources, "memory"); memory != nullptr && memory->is_object()) {
    std::optional<int64_t> limit = GetInt(*memory, "limit");
    if (limit && *limit > 0) {
      int64_t mib = *limit / kMiB;
      if (mib < kMinMemoryMib) {
        return absl::InvalidArgumentError(
            absl::StrCat("--memory ", *limit, " bytes (", mib,
                         " MiB) is too small: a RunCVM VM needs at least ", kMinMemoryMib,
                         " MiB of RAM to boot"));
      }
      size.memory_mib = mib;
      int64_t overhead = ContainerMemoryOverheadMib(mib) * kMiB;
      (*memory)["limit"] = *limit + overhead;
      // OCI swap is memory+swap; -1 is unlimited and stays so.
      if (std::optional<int64_t> swap = GetInt(*memory, "swap"); swap && *swap > 0) {
        (*memory)["swap"] = *swap + overhead;
      }
    }
  }
  return size;
}

}  // namespace

int64_t ContainerMemoryOverheadMib(int64_t guest_mib) {
  return kContainerMemoryOverheadMib + guest_mib / kMemoryOverheadDivisor;
}

absl::StatusOr<std::string> RootfsPath(const Json& config, const std::string& bundle_dir) {
  const Json* root = FindMember(config, "root");
  std::optional<std::string> path = root ? GetString(*root, "path") : std::nullopt;
  if (!path || path->empty()) return Malformed(".root.path", "expected a path");
  if (absl::StartsWith(*path, "/")) return *path;
  return absl::StrCat(bundle_dir, "/", *path);
}

Json ContainerCapabilities(uint64_t available_caps) {
  // Only RunCVM's own fixed set, whatever the workload asked for: --privileged, --cap-add and
  // --cap-drop describe the workload, which gets exactly them back inside the VM (the launch
  // spec keeps Docker's process object). On the host they grant nothing, so --privileged works
  // on hosts whose bounding set lacks a capability and never widens the host-side container.
  Json set = Json::array();
  for (std::string_view cap : kContainerCaps) {
    cap_value_t value;
    if (cap_from_name(std::string(cap).c_str(), &value) == 0 && value >= 0 && value < 64 &&
        (available_caps >> value & 1) == 0) {
      continue;  // the host cannot grant it
    }
    set.push_back(cap);
  }
  Json caps = Json::object();
  // All five: ambient too, so that QEMU and virtiofsd, exec'd by root, keep them.
  for (std::string_view name : {"bounding", "effective", "inheritable", "permitted", "ambient"}) {
    caps[std::string(name)] = set;
  }
  return caps;
}

absl::StatusOr<std::vector<std::string>> ProcessEnv(const Json& process, std::string_view what) {
  std::vector<std::string> env;
  const Json* e = FindMember(process, "env");
  if (e == nullptr || e->is_null()) return env;
  if (!e->is_array())
    return absl::InvalidArgumentError(absl::StrCat(what, ": env: expected an array"));
  for (const Json& entry : *e) {
    if (!entry.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": env: expected strings"));
    }
    env.push_back(entry.get<std::string>());
  }
  return env;
}

std::vector<std::string> MountDestinations(const Json& config) {
  std::vector<std::string> out;
  const Json* mounts = FindMember(config, "mounts");
  if (mounts == nullptr || !mounts->is_array()) return out;
  for (const Json& m : *mounts) {
    std::optional<std::string> d = GetString(m, "destination");
    if (d && CleanDestination(*d) != "/") out.push_back(CleanDestination(*d));
  }
  return out;
}

absl::StatusOr<RewriteResult> RewriteConfig(const Json& config, const HostFacts& facts) {
  try {
    if (!config.is_object()) return Malformed("document", "expected an object");
    const Json* process_in = FindMember(config, "process");
    if (process_in == nullptr) return Malformed(".process", "missing");
    RETURN_IF_ERROR(ValidateProcess(*process_in));
    const Json* linux_in = FindMember(config, "linux");
    if (linux_in == nullptr || !linux_in->is_object())
      return Malformed(".linux", "expected an object");
    const Json* mounts_in = FindMember(config, "mounts");
    if (mounts_in != nullptr && !mounts_in->is_array())
      return Malformed(".mounts", "expected an array");

    // Refusals first: nothing else matters for a container we will not run.
    RETURN_IF_ERROR(CheckNetwork(*linux_in, facts));

    ASSIGN_OR_RETURN(std::vector<std::string> env,
                     ProcessEnv(*process_in, "config.json: .process"));
    ASSIGN_OR_RETURN(RuncvmOptions options, ParseOptions(env));
    if (options.accel == "kvm" && !facts.has_kvm) {
      return absl::FailedPreconditionError(
          "invalid RUNCVM_ACCEL=kvm: the host has no /dev/kvm (use auto or tcg)");
    }
    // The curses display draws the VM's screen on the container's terminal and reads its keys
    // from it: without -t there is no terminal, and QEMU's curses UI would fail after the VM had
    // been set up.
    if (options.qemu_display == "curses" && !GetBool(*process_in, "terminal").value_or(false)) {
      return absl::FailedPreconditionError(
          "RUNCVM_QEMU_DISPLAY=curses needs a terminal: run with -t");
    }
    ASSIGN_OR_RETURN(KernelChoice kernel, SelectKernel(options, facts));
    ASSIGN_OR_RETURN(std::string rootfs, RootfsPath(config, facts.bundle_dir));

    Json out = config;
    Json spec_process = *process_in;
    std::string init_path;
    bool docker_init = StripDockerInit(spec_process, &init_path);
    if (docker_init) RETURN_IF_ERROR(ValidateProcess(spec_process));

    // The container's own process: our entrypoint, as root, with what QEMU and virtiofsd need.
    Json& process = out["process"];
    process["args"] = Json::array({kContainerEntrypoint});
    process["user"] = Json{{"uid", 0}, {"gid", 0}};
    process["cwd"] = "/";
    process["capabilities"] = ContainerCapabilities(facts.available_caps);
    process["noNewPrivileges"] = false;

    Json& linux = out["linux"];
    // The VM is the sandbox; QEMU and virtiofsd need syscalls Docker's profile denies.
    linux.erase("seccomp");
    AddDevice(linux, kTun);
    if (facts.has_kvm) AddDevice(linux, kKvm);
    if (facts.has_vhost_net) AddDevice(linux, kVhostNet);
    ASSIGN_OR_RETURN(VmSize size, SizeVm(linux));

    // Mounts. runc mounts in array order: the rbind of the rootfs at /vm comes after /.runcvm and
    // /opt/runcvm, so the VM (whose root is /vm) sees both, but before /proc, /dev, /sys..., which
    // stay the container's. Docker's binds then land on /vm/..., i.e. in the VM's filesystem.
    Json mounts = Json::array();
    mounts.push_back(
        MakeMount("/.runcvm", "tmpfs", "runcvm", {"nosuid", "nodev", "mode=755", "size=4m"}));
    mounts.push_back(MakeMount("/.runcvm/runcvm.json", "bind",
                               absl::StrCat(facts.bundle_dir, "/runcvm.json"),
                               {"rbind", "ro", "private"}));
    mounts.push_back(
        MakeMount(kContainerRuncvmRoot, "bind", facts.runcvm_root, {"rbind", "ro", "private"}));
    mounts.push_back(MakeMount(kVmMountpoint, "bind", rootfs, {"rbind", "rw", "private"}));
    Json guest_mounts = Json::array();
    Json binds = Json::array();  // the VM-side destinations of Docker's binds (launch_spec.h)
    if (mounts_in != nullptr) {
      for (const Json& m : *mounts_in) {
        std::optional<std::string> dest_raw = GetString(m, "destination");
        if (!dest_raw || !absl::StartsWith(*dest_raw, "/")) {
          return Malformed(".mounts[].destination", "expected an absolute path");
        }
        std::string dest = CleanDestination(*dest_raw);
        if (docker_init && dest == init_path) continue;  // our init replaces docker-init
        std::optional<std::string> type = GetString(m, "type");
        if (IsBindMount(m)) {
          Json moved = m;
          if (!IsAtOrUnder(dest, kDisksMountpoint)) {
            moved["destination"] = absl::StrCat(kVmMountpoint, dest);
            binds.push_back(dest);
          }
          mounts.push_back(std::move(moved));
        } else if (type == "tmpfs" && (!IsAtOrUnder(dest, "/dev") || dest == "/dev/shm")) {
          // A tmpfs in the container would be invisible to the VM: the guest mounts it instead
          // (/dev/shm too, so that --shm-size sizes the guest's; QEMU's RAM is a memfd and needs
          // no /dev/shm of the container's).
          Json g = Json::object();
          g["destination"] = dest;
          g["type"] = "tmpfs";
          g["source"] = GetString(m, "source").value_or("tmpfs");
          g["options"] = Json::array();
          if (const Json* opts = FindMember(m, "options"); opts && opts->is_array()) {
            for (const Json& o : *opts) {
              if (!o.is_string()) continue;
              std::string s = o.get<std::string>();
              if (s != "rprivate" && s != "private" && s != "rbind") g["options"].push_back(s);
            }
          }
          guest_mounts.push_back(std::move(g));
        } else {
          mounts.push_back(m);  // proc, /dev, devpts, sysfs, cgroup, mqueue: the container's
        }
      }
    }
    if (!kernel.modules_source.empty()) {
      mounts.push_back(MakeMount(kernel.modules_target, "bind", kernel.modules_source,
                                 {"rbind", "ro", "private"}));
    }
    // Container-only: the sockets of init, virtiofsd and the exec sessions.
    mounts.push_back(
        MakeMount("/run", "tmpfs", "run", {"nosuid", "nodev", "mode=755", "size=16m"}));
    out["mounts"] = std::move(mounts);

    if (options.sys_admin) {
      // RUNCVM_SYS_ADMIN: the workload gets CAP_SYS_ADMIN in the VM (e.g. dockerd mounting on a
      // volume), and virtiofsd the capability to act on its behalf (vm_plan.cc).
      Json* caps = FindMember(spec_process, "capabilities");
      if (caps == nullptr || !caps->is_object()) {
        spec_process["capabilities"] = Json::object();
        caps = &spec_process["capabilities"];
      }
      for (std::string_view set : {"bounding", "effective", "permitted"}) {
        Json& list = (*caps)[std::string(set)];
        if (!list.is_array()) list = Json::array();
        if (std::none_of(list.begin(), list.end(),
                         [](const Json& c) { return c == "CAP_SYS_ADMIN"; })) {
          list.push_back("CAP_SYS_ADMIN");
        }
      }
    }
    Json spec = Json::object();
    spec["process"] = std::move(spec_process);
    spec["hostname"] = GetString(config, "hostname").value_or("");
    spec["init"] = docker_init || options.init;
    const Json* root = FindMember(config, "root");
    spec["readonly_root"] = root != nullptr && GetBool(*root, "readonly").value_or(false);
    spec["guest_mounts"] = std::move(guest_mounts);
    spec["binds"] = std::move(binds);
    if (!facts.external_dns.empty()) spec["external_dns"] = facts.external_dns;
    Json vm = Json::object();
    vm["cpus"] = size.cpus;
    vm["memory_mib"] = size.memory_mib;
    vm["accel"] = options.accel;
    vm["kernel"] = kernel.kernel;
    vm["initrd"] = kernel.initrd;
    vm["kernel_append"] = options.kernel_append;
    vm["kernel_debug"] = options.kernel_debug;
    vm["boot_timeout_s"] = options.boot_timeout_s;
    if (!kernel.image_modules.empty()) {
      vm["image_modules"] = kernel.image_modules;
      vm["kernel_release"] = kernel.version;
      vm["module_list"] = kernel.module_list;
    }
    // Only when set, so that a launch spec without them reads as before.
    if (options.bios_debug) vm["bios_debug"] = true;
    if (options.sys_admin) vm["sys_admin"] = true;
    if (!options.breaks.empty()) vm["breaks"] = options.breaks;
    if (options.qemu_display != "none") vm["display"] = options.qemu_display;
    if (!options.disks.empty()) {
      Json disks = Json::array();
      for (const DiskSpec& d : options.disks) {
        disks.push_back(
            Json{{"src", d.src}, {"dst", d.dst}, {"fs", d.fs}, {"size", d.size_bytes}});
      }
      vm["disks"] = std::move(disks);
    }
    spec["vm"] = std::move(vm);
    return RewriteResult{std::move(out), std::move(spec)};
  } catch (const Json::exception& e) {
    // Every access above is type-checked; this is the boundary that keeps a missed case from
    // escaping as an exception.
    return absl::InvalidArgumentError(absl::StrCat("config.json: ", e.what()));
  }
}

}  // namespace runcvm
