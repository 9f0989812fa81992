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
  if (!p.caches.empty()) {
    util::Json caches = util::Json::array();
    for (const MemoryLevel& c : p.caches)
      caches.push_back({{"name", c.name}, {"bytes", c.bytes}, {"bytes_per_s", c.bytes_per_s}});
    out["caches"] = std::move(caches);
  }
  out["date"] = p.date;
  return out;
}

MemoryLevel level_for(const Peaks& peaks, double footprint) {
  for (const MemoryLevel& c : peaks.caches) {
    if (footprint <= c.bytes && c.bytes_per_s > 0) return c;
  }
  return MemoryLevel{"memory", 0, peaks.copy_bytes_per_s};
}

util::Expected<Peaks> peaks_from_json(const util::Json& json, const std::string& origin) {
  auto invalid = [&](std::string_view what) {
    return util::unexpected(fmt::format(
        "{}: not a peaks record ({}); measure again with kevolve hw --measure", origin, what));
  };
  if (!json.is_object()) return invalid("expected an object");
  for (const char* key : {"copy_bytes_per_s", "fma_flops_per_s"}) {
    if (!json.contains(key) || !json[key].is_number()) return invalid(key);
  }
  Peaks p;
  p.raw = json;
  p.copy_bytes_per_s = json["copy_bytes_per_s"].get<double>();
  p.fma_flops_per_s = json["fma_flops_per_s"].get<double>();
  p.date = json.value("date", "");
  if (json.contains("caches")) {
    const util::Json& caches = json["caches"];
    if (!caches.is_array()) return invalid("caches: expected an array");
    for (const util::Json& c : caches) {
      if (!c.is_object() || !c.value("name", util::Json()).is_string() ||
          !c.value("bytes", util::Json()).is_number() ||
          !c.value("bytes_per_s", util::Json()).is_number()) {
        return invalid("caches: expected {name, bytes, bytes_per_s}");
      }
      p.caches.push_back(
          {c["name"].get<std::string>(), c["bytes"].get<double>(), c["bytes_per_s"].get<double>()});
    }
    p.raw.erase("caches");
  }
  p.raw.erase("date");  // written after the caches, as to_json does
  return p;
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
  auto peaks = peaks_from_json(*json, file.string());
  if (!peaks) return util::unexpected(peaks.error());
  return std::optional<Peaks>(std::move(*peaks));
}

util::Expected<void> save_peaks(const Device& device, const Peaks& peaks) {
  fs::path file = peaks_file(device);
  if (file.empty())
    return util::unexpected(std::string("no cache directory (set KEVOLVE_CACHE_DIR)"));
  if (auto made = util::ensure_directory(file.parent_path()); !made) return made;
  return util::write_json_file(file, to_json(peaks));
}

}  // namespace kevolve::backends
