#include "backends/peaks.hpp"

#include "knowledge/device_id.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

namespace kevolve::backends {

namespace fs = std::filesystem;

util::Json to_json(const Peaks& p) {
  util::Json out = p.raw.is_object() ? p.raw : util::Json::object();
  out["copy_bytes_per_s"] = p.copy_bytes_per_s;
  out["fma_flops_per_s"] = p.fma_flops_per_s;
  out["date"] = p.date;
  return out;
}

fs::path peaks_file(const Device& device) {
  fs::path root = util::user_cache_dir();
  return root.empty() ? root : root / "peaks" / (knowledge::device_slug(device.id.str()) + ".json");
}

util::Expected<std::optional<Peaks>> load_peaks(const Device& device) {
  fs::path file = peaks_file(device);
  std::error_code ec;
  if (file.empty() || !fs::exists(file, ec)) return std::optional<Peaks>();
  auto text = util::read_file(file);
  if (!text) return util::unexpected(text.error());
  auto json = util::parse_json(*text, file.string());
  if (!json) return util::unexpected(json.error());
  if (!json->is_object() || !(*json)["copy_bytes_per_s"].is_number() ||
      !(*json)["fma_flops_per_s"].is_number()) {
    return util::unexpected(
        fmt::format("{}: not a peaks record; measure again with kevolve hw "
                    "--measure",
                    file.string()));
  }
  Peaks p;
  p.raw = *json;
  p.copy_bytes_per_s = (*json)["copy_bytes_per_s"].get<double>();
  p.fma_flops_per_s = (*json)["fma_flops_per_s"].get<double>();
  p.date = json->value("date", "");
  return std::optional<Peaks>(p);
}

util::Expected<void> save_peaks(const Device& device, const Peaks& peaks) {
  fs::path file = peaks_file(device);
  if (file.empty())
    return util::unexpected(std::string("no cache directory (set KEVOLVE_CACHE_DIR)"));
  if (auto made = util::ensure_directory(file.parent_path()); !made) return made;
  return util::write_file_atomically(file, util::dump_json(to_json(peaks)));
}

}  // namespace kevolve::backends
