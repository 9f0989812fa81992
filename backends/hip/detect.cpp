#include "backends/hip/detect.hpp"

// How this works: every KFD topology node is a directory with a `properties` file of
// "key value" lines; GPU nodes have a non-zero gfx_target_version. Their caches are in
// caches/<n>/properties ("level", "size" in KiB). The marketing name comes from the DRM
// device's product_name where the driver exposes it.

#include "backends/sysfs.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kevolve::backends::hip {

namespace fs = std::filesystem;

namespace {

using Properties = std::map<std::string, std::int64_t, std::less<>>;

Properties read_properties(const fs::path& file) {
  Properties props;
  auto text = util::read_file(file);
  if (!text) return props;
  for (std::string_view line : util::split(*text, '\n')) {
    auto parts = util::split(util::trim(line), ' ');
    if (parts.size() < 2) continue;
    if (auto value = util::parse_int(util::trim(parts.back())))
      props.emplace(parts.front(), *value);
  }
  return props;
}

std::int64_t get(const Properties& props, std::string_view key) {
  auto it = props.find(key);
  return it == props.end() ? 0 : it->second;
}

}  // namespace

std::string gfx_name(std::int64_t v) {
  return fmt::format("gfx{}{:x}{:x}", v / 10000, (v / 100) % 100, v % 100);
}

util::Expected<std::vector<Device>> detect(const fs::path& root) {
  fs::path nodes = under(root, "/sys/class/kfd/kfd/topology/nodes");
  std::error_code ec;
  if (!fs::is_directory(nodes, ec)) {
    return util::unexpected(std::string("no AMD GPU driver (/sys/class/kfd not present)"));
  }
  std::vector<std::pair<int, fs::path>> ordered;
  for (const auto& entry : fs::directory_iterator(nodes, ec)) {
    if (auto n = util::parse_int(entry.path().filename().string())) {
      ordered.emplace_back(static_cast<int>(*n), entry.path());
    }
  }
  std::sort(ordered.begin(), ordered.end());

  std::string driver = read_text(under(root, "/sys/module/amdgpu/version")).value_or("");
  std::vector<Device> devices;
  for (const auto& [node, dir] : ordered) {
    Properties props = read_properties(dir / "properties");
    std::int64_t target = get(props, "gfx_target_version");
    if (target == 0) continue;  // a CPU node
    Device d;
    d.backend = Backend::hip;
    d.arch = gfx_name(target);
    d.vendor = "AMD";
    std::int64_t render_minor = get(props, "drm_render_minor");
    d.name = read_text(under(root, fmt::format("/sys/class/drm/renderD{}/device/product_name",
                                               render_minor)))
                 .value_or("");
    if (d.name.empty()) d.name = "AMD " + d.arch;
    d.driver = driver;
    d.id = knowledge::DeviceId::make("hip", d.arch, d.name);

    std::int64_t simd_per_cu = std::max<std::int64_t>(get(props, "simd_per_cu"), 1);
    std::int64_t compute_units = get(props, "simd_count") / simd_per_cu;
    std::int64_t l1 = 0;
    std::int64_t l2 = 0;
    for (int c = 0; c < 256; ++c) {
      fs::path cache = dir / "caches" / std::to_string(c) / "properties";
      if (!fs::exists(cache, ec)) break;
      Properties cp = read_properties(cache);
      std::int64_t bytes = get(cp, "size") * 1024;
      if (get(cp, "level") == 1) l1 = std::max(l1, bytes);
      if (get(cp, "level") == 2) l2 = std::max(l2, bytes);
    }
    d.facts.device = d.id.str();
    d.facts.values = {
        {"max_threads", 1024},  // HIP's limit on threads per block for every gfx target
        {"warp", get(props, "wave_front_size")},
        {"smem", get(props, "lds_size_in_kb") * 1024},
        {"sm_count", compute_units},
        {"cores", compute_units},
    };
    if (l1 > 0) d.facts.values["l1"] = l1;
    if (l2 > 0) d.facts.values["l2"] = l2;
    d.details["kfd_node"] = node;
    d.details["gfx_target_version"] = target;
    d.details["compute_units"] = compute_units;
    d.details["max_waves_per_simd"] = get(props, "max_waves_per_simd");
    d.details["max_engine_clock_mhz"] = get(props, "max_engine_clk_fcompute");
    d.details["num_xcc"] = get(props, "num_xcc");
    devices.push_back(std::move(d));
  }
  if (devices.empty()) {
    return util::unexpected(std::string("AMD GPU driver found but no GPU in its topology"));
  }
  return devices;
}

}  // namespace kevolve::backends::hip
