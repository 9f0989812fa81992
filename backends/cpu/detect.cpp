#include "backends/cpu/detect.hpp"

// How this works: /proc/cpuinfo gives vendor, model and ISA flags (x86: "flags", Arm:
// "Features" and the implementer/part ids); sysfs gives the topology (which logical CPUs
// share a core) and the caches of cpu0. Facts count only the CPUs this process may run on
// (its affinity mask, which container CPU limits shrink), so `cores` is what a tuned kernel
// can really use.

#include "backends/sysfs.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sched.h>
#include <set>
#include <sys/utsname.h>

namespace kevolve::backends::cpu {

namespace {

// The ISA extensions that matter for kernels, in the order reports list them.
constexpr std::string_view k_x86_features[] = {
    "sse2",     "ssse3",      "sse4_1",     "sse4_2",      "avx",         "avx2",
    "fma",      "f16c",       "avx512f",    "avx512dq",    "avx512cd",    "avx512bw",
    "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vnni", "avx512_bf16", "avx512_fp16",
    "avx_vnni", "amx_tile",   "amx_bf16",   "amx_int8",
};
constexpr std::string_view k_arm_features[] = {
    "asimd", "asimdhp", "asimddp", "fphp", "bf16", "i8mm", "sve", "sve2", "sme",
};

struct ArmPart {
  int implementer;
  int part;
  std::string_view name;
};
constexpr ArmPart k_arm_parts[] = {
    {0x41, 0xd0c, "Arm Neoverse-N1"}, {0x41, 0xd40, "Arm Neoverse-V1"},
    {0x41, 0xd49, "Arm Neoverse-N2"}, {0x41, 0xd4f, "Arm Neoverse-V2"},
    {0x41, 0xd8e, "Arm Neoverse-N3"}, {0x41, 0xd84, "Arm Neoverse-V3"},
    {0x41, 0xd08, "Arm Cortex-A72"},  {0x41, 0xd0b, "Arm Cortex-A76"},
    {0xc0, 0xac3, "Ampere-1"},        {0x61, 0x000, "Apple"},
};

struct CpuInfo {
  std::string vendor;
  std::string model;
  std::set<std::string, std::less<>> flags;
  int implementer = -1;
  int part = -1;
};

CpuInfo read_cpuinfo(const std::filesystem::path& root) {
  CpuInfo info;
  auto text = util::read_file(under(root, "/proc/cpuinfo"));
  if (!text) return info;
  // Every processor repeats the same block; the first one is enough.
  for (std::string_view line : util::split(*text, '\n')) {
    if (util::trim(line).empty() && !info.flags.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = util::trim(line.substr(0, colon));
    std::string_view value = util::trim(line.substr(colon + 1));
    if (key == "vendor_id" && info.vendor.empty()) {
      info.vendor = value;
    } else if (key == "model name" && info.model.empty()) {
      info.model = value;
    } else if ((key == "flags" || key == "Features") && info.flags.empty()) {
      for (std::string_view flag : util::split(value, ' ')) {
        if (!flag.empty()) info.flags.emplace(flag);
      }
    } else if (key == "CPU implementer" && info.implementer < 0) {
      info.implementer = static_cast<int>(std::strtol(std::string(value).c_str(), nullptr, 0));
    } else if (key == "CPU part" && info.part < 0) {
      info.part = static_cast<int>(std::strtol(std::string(value).c_str(), nullptr, 0));
    }
  }
  if (info.model.empty() && info.implementer >= 0) {
    for (const ArmPart& p : k_arm_parts) {
      if (p.implementer == info.implementer && (p.part == info.part || p.part == 0))
        info.model = p.name;
    }
    if (info.model.empty()) {
      info.model =
          fmt::format("Arm implementer 0x{:02x} part 0x{:03x}", info.implementer, info.part);
    }
    if (info.vendor.empty())
      info.vendor = info.implementer == 0x41 ? "ARM" : fmt::format("0x{:02x}", info.implementer);
  }
  return info;
}

std::vector<int> usable_cpus(const DetectOptions& options) {
  std::vector<int> cpus;
  if (options.use_affinity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      for (int c = 0; c < CPU_SETSIZE; ++c) {
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
      }
      return cpus;
    }
  }
  if (auto online = read_text(under(options.root, "/sys/devices/system/cpu/online"))) {
    if (auto list = parse_cpu_list(*online)) return *list;
  }
  return cpus;
}

struct CacheInfo {
  int level = 0;
  std::string type;
  std::uint64_t size = 0;
  int shared_by = 1;
};

std::vector<CacheInfo> read_caches(const std::filesystem::path& root) {
  std::vector<CacheInfo> caches;
  for (int index = 0; index < 16; ++index) {
    auto dir = under(root, fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}", index));
    auto level = read_integer(dir / "level");
    auto type = read_text(dir / "type");
    auto size_text = read_text(dir / "size");
    if (!level || !type || !size_text) break;
    auto size = parse_size(*size_text);
    if (!size) continue;
    CacheInfo c{static_cast<int>(*level), *type, *size, 1};
    if (auto shared = read_text(dir / "shared_cpu_list")) {
      if (auto list = parse_cpu_list(*shared); list && !list->empty()) {
        c.shared_by = static_cast<int>(list->size());
      }
    }
    caches.push_back(std::move(c));
  }
  return caches;
}

int physical_cores(const std::filesystem::path& root, const std::vector<int>& cpus) {
  std::set<std::pair<std::int64_t, std::int64_t>> cores;
  for (int c : cpus) {
    auto dir = under(root, fmt::format("/sys/devices/system/cpu/cpu{}/topology", c));
    auto core = read_integer(dir / "core_id");
    auto package = read_integer(dir / "physical_package_id");
    if (!core) return static_cast<int>(cpus.size());  // no topology: count logical CPUs
    cores.emplace(package.value_or(0), *core);
  }
  return static_cast<int>(cores.size());
}

// 32-bit lanes of the widest vector unit the ISA flags promise.
std::optional<int> simd_lanes(const CpuInfo& info, const std::filesystem::path& root) {
  if (info.flags.count("avx512f")) return 16;
  if (info.flags.count("avx")) return 8;
  if (info.flags.count("sve")) {
    if (auto bytes = read_integer(under(root, "/proc/sys/abi/sve_default_vector_length"))) {
      return static_cast<int>(*bytes / 4);
    }
  }
  if (info.flags.count("sse2") || info.flags.count("asimd")) return 4;
  return std::nullopt;
}

std::string machine_name(const DetectOptions& options) {
  if (!options.machine.empty()) return options.machine;
  utsname u{};
  return uname(&u) == 0 ? std::string(u.machine) : "unknown";
}

}  // namespace

Device detect(const DetectOptions& options) {
  CpuInfo info = read_cpuinfo(options.root);
  std::vector<int> cpus = usable_cpus(options);
  std::vector<CacheInfo> caches = read_caches(options.root);

  Device d;
  d.backend = Backend::cpu;
  d.arch = machine_name(options);
  d.name = info.model.empty() ? "unknown CPU" : info.model;
  d.vendor = info.vendor;
  d.id = knowledge::DeviceId::make("cpu", d.arch, d.name);
  d.facts.device = d.id.str();

  if (!cpus.empty()) {
    d.facts.values["max_threads"] = static_cast<std::int64_t>(cpus.size());
    d.facts.values["cores"] = physical_cores(options.root, cpus);
  }
  if (auto lanes = simd_lanes(info, options.root)) d.facts.values["warp"] = *lanes;
  for (const CacheInfo& c : caches) {
    if (c.level == 1 && c.type == "Data") d.facts.values["l1"] = static_cast<std::int64_t>(c.size);
    if (c.level == 2 && c.type != "Instruction")
      d.facts.values["l2"] = static_cast<std::int64_t>(c.size);
  }

  util::Json isa = util::Json::array();
  auto add_known = [&](auto& list) {
    for (std::string_view f : list) {
      if (info.flags.count(f)) isa.push_back(f);
    }
  };
  add_known(k_x86_features);
  add_known(k_arm_features);
  util::Json cache_list = util::Json::array();
  for (const CacheInfo& c : caches) {
    cache_list.push_back(util::Json{
        {"level", c.level}, {"type", c.type}, {"size", c.size}, {"shared_by", c.shared_by}});
  }
  d.details["logical_cpus"] = cpus.size();
  d.details["isa"] = std::move(isa);
  d.details["caches"] = std::move(cache_list);
  return d;
}

}  // namespace kevolve::backends::cpu
