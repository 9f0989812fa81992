#include "backends/cuda/profile.hpp"

#include "util/environment.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <unistd.h>

namespace kevolve::backends::cuda {

namespace fs = std::filesystem;

namespace {

// Metric -> the name kevolve records it under.
const std::map<std::string, std::string, std::less<>> k_metrics = {
    {"gpu__time_duration.sum", "duration_ns"},
    {"dram__throughput.avg.pct_of_peak_sustained_elapsed", "dram_throughput_percent"},
    {"sm__throughput.avg.pct_of_peak_sustained_elapsed", "sm_throughput_percent"},
    {"sm__warps_active.avg.pct_of_peak_sustained_active", "occupancy_percent"},
    {"lts__t_sector_hit_rate.pct", "l2_hit_rate_percent"},
};

// One CSV record: quoted fields, "" for a quote inside one.
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace

std::string find_ncu(const std::string& nvcc) {
  if (!nvcc.empty()) {
    fs::path beside = fs::path(nvcc).parent_path() / "ncu";
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  if (fs::path on_path = util::find_on_path("ncu"); !on_path.empty()) return on_path.string();
  return {};
}

util::Expected<util::Json> parse_ncu_csv(std::string_view output) {
  std::vector<std::string> header;
  std::map<std::string, util::Json> kernels;  // by launch id, in order
  std::vector<std::string> order;
  for (std::string_view line : util::split(output, '\n')) {
    line = util::trim(line);
    if (line.empty() || line.front() != '"') continue;
    std::vector<std::string> fields = csv_fields(line);
    if (header.empty()) {
      if (fields.front() == "ID") header = fields;
      continue;
    }
    auto column = [&](std::string_view name) -> std::string {
      for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i)
        if (header[i] == name) return fields[i];
      return {};
    };
    auto metric = k_metrics.find(column("Metric Name"));
    if (metric == k_metrics.end()) continue;
    std::string id = column("ID");
    if (!kernels.count(id)) {
      kernels[id] = util::Json{{"name", column("Kernel Name")}};
      order.push_back(id);
    }
    std::string value = column("Metric Value");
    value.erase(std::remove(value.begin(), value.end(), ','), value.end());  // "54,400"
    char* end = nullptr;
    double number = std::strtod(value.c_str(), &end);
    if (end != value.c_str()) kernels[id][metric->second] = number;
  }
  if (header.empty()) return util::unexpected(std::string("ncu printed no CSV table"));
  util::Json list = util::Json::array();
  for (const std::string& id : order) list.push_back(kernels[id]);
  if (list.empty())
    return util::unexpected(std::string("ncu saw no kernel in the measured region"));
  return util::Json{{"kernels", std::move(list)}};
}

util::Expected<util::Json> profile(const std::string& ncu, const fs::path& runner,
                                   const fs::path& candidate, std::chrono::milliseconds timeout) {
  std::string metrics;
  for (const auto& [name, _] : k_metrics) metrics += (metrics.empty() ? "" : ",") + name;
  // Clocks as the card runs them (--clock-control none): the measurements are of that card.
  std::vector<std::string> cmd = {ncu,
                                  "--clock-control",
                                  "none",
                                  "--nvtx",
                                  "--nvtx-include",
                                  "kevolve_run/",
                                  "--metrics",
                                  metrics,
                                  "--csv",
                                  runner.string(),
                                  candidate.string(),
                                  "time",
                                  "--reps",
                                  "1",
                                  "--warmup",
                                  "1"};
  util::ProcessOptions options;
  options.timeout = timeout;
  auto ran = util::run_process(cmd, options);
  if (!ran) return util::unexpected(ran.error());
  if (!ran->ok()) {
    return util::unexpected(
        fmt::format("ncu failed ({}): {}", ran->describe(), util::trim(ran->output)));
  }
  return parse_ncu_csv(ran->output);
}

}  // namespace kevolve::backends::cuda
