#include "tool/search/recorded_space.hpp"

#include "util/json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <zlib.h>

namespace kevolve::search {

namespace fs = std::filesystem;

namespace {

// zlib's message, without the path it starts with.
std::string gzip_error(gzFile in, const fs::path& file, int& code) {
  std::string why = gzerror(in, &code);
  std::string prefix = file.string() + ": ";
  return why.rfind(prefix, 0) == 0 ? why.substr(prefix.size()) : why;
}

// zlib reads gzip and passes anything else through unchanged.
util::Expected<std::string> read_maybe_gzipped(const fs::path& file) {
  gzFile in = gzopen(file.c_str(), "rb");
  if (!in) return util::unexpected(fmt::format("cannot read {}", file.string()));
  std::string text;
  char buffer[1 << 16];
  while (true) {
    int n = gzread(in, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      std::string why = gzip_error(in, file, code);
      gzclose(in);
      return util::unexpected(fmt::format("{}: not a readable gzip file: {}", file.string(), why));
    }
    if (n == 0) {
      int code = Z_OK;
      std::string why = gzip_error(in, file, code);
      if (code != Z_OK) {  // a gzip stream that ends early (Z_BUF_ERROR)
        gzclose(in);
        return util::unexpected(fmt::format("{}: a damaged gzip file: {}", file.string(), why));
      }
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  gzclose(in);
  return text;
}

// Kernel Tuner values are numbers, strings or booleans; kevolve's are integers or names.
space::Value value_of(const util::Json& v) {
  if (v.is_number_integer()) return space::Value(v.get<std::int64_t>());
  if (v.is_string()) return space::Value(v.get<std::string>());
  return space::Value(v.dump());
}

// The parameters in tune_params_keys' order, and each one's list in tune_params.
struct Parameters {
  space::SpaceSpec spec;
  std::vector<const util::Json*> lists;
};

util::Expected<Parameters> read_parameters(const util::Json& keys, const util::Json& values,
                                           const std::string& name) {
  Parameters out;
  for (const util::Json& k : keys) {
    if (!k.is_string())
      return util::unexpected(fmt::format("{}: tune_params_keys holds a non-string", name));
    const std::string key = k.get<std::string>();
    auto list = values.find(key);
    if (list == values.end() || !list->is_array() || list->empty()) {
      return util::unexpected(
          fmt::format("{}: tune_params has no list of values for '{}'", name, key));
    }
    if (list->size() > std::numeric_limits<std::uint16_t>::max()) {
      return util::unexpected(fmt::format("{}: '{}' has more than 65535 values", name, key));
    }
    space::Parameter p;
    p.name = key;
    for (const util::Json& v : *list) p.values.push_back(value_of(v));
    out.spec.parameters.push_back(std::move(p));
    out.lists.push_back(&*list);
  }
  return out;
}

// The points in cache order, and their times (NaN: failed).
struct Records {
  std::vector<space::Point> points;
  std::vector<double> times;
};

util::Expected<Records> read_records(const util::Json& cache, const Parameters& params,
                                     const std::string& name) {
  Records out;
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    const util::Json& record = it.value();
    if (!record.is_object() || !record.contains("time")) {
      return util::unexpected(fmt::format("{}: configuration '{}' has no 'time'", name, it.key()));
    }
    space::Point point;
    for (std::size_t p = 0; p < params.lists.size(); ++p) {
      const std::string& key = params.spec.parameters[p].name;
      if (!record.contains(key)) {
        return util::unexpected(
            fmt::format("{}: configuration '{}' has no value for '{}'", name, it.key(), key));
      }
      const util::Json& v = record.at(key);
      const util::Json& list = *params.lists[p];
      std::size_t index = 0;
      while (index < list.size() && list[index] != v) ++index;
      if (index == list.size()) {
        return util::unexpected(fmt::format("{}: configuration '{}': {} = {} is not in tune_params",
                                            name, it.key(), key, v.dump()));
      }
      point.push_back(static_cast<std::uint16_t>(index));
    }
    const util::Json& time = record.at("time");
    out.points.push_back(std::move(point));
    out.times.push_back(time.is_number() && std::isfinite(time.get<double>())
                            ? time.get<double>()
                            : std::numeric_limits<double>::quiet_NaN());
  }
  if (out.points.empty())
    return util::unexpected(fmt::format("{}: the cache holds no configuration", name));
  return out;
}

}  // namespace

util::Expected<RecordedSpace> load_recorded_space(const fs::path& file) {
  auto text = read_maybe_gzipped(file);
  if (!text) return util::unexpected(text.error());
  const std::string name = file.string();
  auto parsed = util::parse_json(*text, name);
  if (!parsed) return util::unexpected(parsed.error());
  const util::Json& doc = *parsed;
  if (!doc.is_object()) return util::unexpected(fmt::format("{}: expected a JSON object", name));
  for (const char* key : {"tune_params_keys", "tune_params", "cache"}) {
    if (!doc.contains(key)) {
      return util::unexpected(fmt::format(
          "{}: no '{}' (a Kernel Tuner cache has tune_params_keys, tune_params and cache)", name,
          key));
    }
  }
  const util::Json& keys = doc.at("tune_params_keys");
  const util::Json& values = doc.at("tune_params");
  const util::Json& cache = doc.at("cache");
  if (!keys.is_array() || keys.empty() || !values.is_object() || !cache.is_object()) {
    return util::unexpected(fmt::format(
        "{}: expected tune_params_keys to be a list of names, tune_params and cache objects",
        name));
  }
  auto params = read_parameters(keys, values, name);
  if (!params) return util::unexpected(params.error());
  // The times are placed once the space has numbered the points.
  auto records = read_records(cache, *params, name);
  if (!records) return util::unexpected(records.error());

  const auto& [points, times] = *records;

  RecordedSpace out;
  if (auto k = doc.find("kernel_name"); k != doc.end() && k->is_string()) out.kernel = *k;
  if (auto d = doc.find("device_name"); d != doc.end() && d->is_string()) out.device = *d;
  std::vector<space::Point> listed = points;
  out.space = space::Space::from_points(std::move(params->spec), std::move(listed));
  out.time_ms.assign(out.space.size(), std::numeric_limits<double>::quiet_NaN());
  out.optimum_ms = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::uint64_t index = *out.space.index_of(points[i]);
    out.time_ms[index] = times[i];
    if (!std::isnan(times[i])) out.optimum_ms = std::min(out.optimum_ms, times[i]);
  }
  for (double t : out.time_ms) out.failed += std::isnan(t) ? 1 : 0;
  if (out.failed == out.time_ms.size()) {
    return util::unexpected(fmt::format(
        "{}: holds no valid configuration: all {} recorded ones failed", name, out.failed));
  }
  return out;
}

}  // namespace kevolve::search
