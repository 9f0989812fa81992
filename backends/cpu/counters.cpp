#include "backends/cpu/counters.hpp"

#include <algorithm>
#include <cmath>

namespace kevolve::backends::cpu {

namespace {

constexpr std::size_t k_reason_limit = 200;

std::optional<double> ratio(const Counters& c, const char* part, const char* whole, double scale) {
  auto p = c.counts.find(part), w = c.counts.find(whole);
  if (p == c.counts.end() || w == c.counts.end() || w->second <= 0) return std::nullopt;
  return scale * p->second / w->second;
}

bool known_event(const std::string& name) {
  const std::vector<std::string>& names = event_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> names = {"instructions", "cycles",       "cache_references",
                                                 "cache_misses", "l1d_loads",    "l1d_load_misses",
                                                 "branches",     "branch_misses"};
  return names;
}

std::optional<double> Counters::ipc() const { return ratio(*this, "instructions", "cycles", 1); }
std::optional<double> Counters::l1_miss_percent() const {
  return ratio(*this, "l1d_load_misses", "l1d_loads", 100);
}
std::optional<double> Counters::llc_miss_percent() const {
  return ratio(*this, "cache_misses", "cache_references", 100);
}
std::optional<double> Counters::branch_miss_percent() const {
  return ratio(*this, "branch_misses", "branches", 100);
}

std::string Counters::unavailable_reason() const {
  if (!counts.empty() || unavailable.empty()) return {};
  const std::string& first = unavailable.begin()->second;
  for (const auto& [_, why] : unavailable) {
    if (why != first) return {};
  }
  return first;
}

util::Expected<Counters> counters_from(const util::Json& r) {
  if (!r.is_object()) return util::unexpected(std::string("the counters reply is not an object"));
  Counters c;
  const util::Json* calls = r.contains("calls") ? &r["calls"] : nullptr;
  if (!calls || !calls->is_number_integer() || calls->get<long long>() < 1)
    return util::unexpected(std::string("the counters reply names no counted call"));
  c.calls = calls->get<long long>();
  if (r.contains("seconds") && r["seconds"].is_number())
    c.seconds = std::max(0.0, r["seconds"].get<double>());
  if (r.contains("counts") && r["counts"].is_object()) {
    for (auto it = r["counts"].begin(); it != r["counts"].end(); ++it) {
      if (!known_event(it.key()) || !it->is_number()) continue;
      const double v = it->get<double>();
      if (std::isfinite(v) && v >= 0) c.counts[it.key()] = v;
    }
  }
  if (r.contains("unavailable") && r["unavailable"].is_object()) {
    for (auto it = r["unavailable"].begin(); it != r["unavailable"].end(); ++it) {
      if (!known_event(it.key()) || c.counts.count(it.key()) || !it->is_string()) continue;
      c.unavailable[it.key()] = it->get<std::string>().substr(0, k_reason_limit);
    }
  }
  if (r.contains("multiplexed") && r["multiplexed"].is_boolean())
    c.multiplexed = r["multiplexed"].get<bool>();
  for (auto [key, field] :
       {std::pair{"threads", &c.threads}, {"counted_threads", &c.counted_threads}}) {
    if (r.contains(key) && r[key].is_number_integer()) *field = std::max(0L, r[key].get<long>());
  }
  return c;
}

util::Json to_json(const Counters& c) {
  util::Json out = {{"source", "perf_event"},       {"calls", c.calls},
                    {"seconds", c.seconds},         {"counts", c.counts},
                    {"unavailable", c.unavailable}, {"multiplexed", c.multiplexed},
                    {"threads", c.threads},         {"counted_threads", c.counted_threads}};
  auto derived = [&](const char* key, std::optional<double> value) {
    if (value) out[key] = *value;
  };
  derived("ipc", c.ipc());
  derived("l1d_load_miss_percent", c.l1_miss_percent());
  derived("llc_miss_percent", c.llc_miss_percent());
  derived("branch_miss_percent", c.branch_miss_percent());
  return out;
}

}  // namespace kevolve::backends::cpu
