#include "tool/eval/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace kevolve::eval {

Diagnosis diagnose(const backends::Description& d, double time_s,
                   const std::optional<backends::Peaks>& peaks) {
  Diagnosis out;
  if (time_s <= 0) return out;
  out.bytes_per_s = d.traffic > 0 ? d.traffic / time_s : 0;
  out.flops_per_s = d.work > 0 ? d.work / time_s : 0;
  if (peaks && peaks->copy_bytes_per_s > 0 && out.bytes_per_s > 0)
    out.memory_percent = 100 * out.bytes_per_s / peaks->copy_bytes_per_s;
  if (peaks && peaks->fma_flops_per_s > 0 && out.flops_per_s > 0)
    out.compute_percent = 100 * out.flops_per_s / peaks->fma_flops_per_s;
  // The resource closer to its ceiling is the one that bounds the kernel.
  if (out.memory_percent && (!out.compute_percent || *out.memory_percent >= *out.compute_percent)) {
    out.bound = "memory";
    out.peak_percent = out.memory_percent;
  } else if (out.compute_percent) {
    out.bound = "compute";
    out.peak_percent = out.compute_percent;
  }
  return out;
}

util::Json to_json(const Diagnosis& d) {
  util::Json out = util::Json::object();
  if (d.bytes_per_s > 0) out["bytes_per_s"] = d.bytes_per_s;
  if (d.flops_per_s > 0) out["flops_per_s"] = d.flops_per_s;
  if (d.memory_percent) out["memory_percent"] = *d.memory_percent;
  if (d.compute_percent) out["compute_percent"] = *d.compute_percent;
  if (d.peak_percent) out["peak_percent"] = *d.peak_percent;
  if (!d.bound.empty()) out["bound"] = d.bound;
  return out;
}

std::string summary(const Diagnosis& d) {
  std::string out;
  if (d.bytes_per_s > 0) out += fmt::format("{:.3g} GB/s", d.bytes_per_s * 1e-9);
  if (d.flops_per_s > 0)
    out += fmt::format("{}{:.3g} GFLOP/s", out.empty() ? "" : ", ", d.flops_per_s * 1e-9);
  if (d.peak_percent) out += fmt::format(", {:.0f}% of peak, {}-bound", *d.peak_percent, d.bound);
  return out;
}

Diagnosis diagnosis_from(const util::Json& a) {
  Diagnosis d;
  if (!a.is_object()) return d;
  auto number = [&](const char* key) -> std::optional<double> {
    auto it = a.find(key);
    if (it == a.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  };
  d.bytes_per_s = number("bytes_per_s").value_or(0);
  d.flops_per_s = number("flops_per_s").value_or(0);
  d.memory_percent = number("memory_percent");
  d.compute_percent = number("compute_percent");
  d.peak_percent = number("peak_percent");
  if (auto it = a.find("bound"); it != a.end() && it->is_string()) d.bound = it->get<std::string>();
  return d;
}

bool latency_bound(const Diagnosis& d) {
  if (!d.memory_percent && !d.compute_percent) return false;
  return d.memory_percent.value_or(0) < k_latency_bound_percent &&
         d.compute_percent.value_or(0) < k_latency_bound_percent;
}

namespace {

// Two significant digits, without an exponent: 0.35, 2.9, 41, 354.
std::string short_number(double v) {
  return v >= 10 ? fmt::format("{:.0f}", v) : fmt::format("{:.2g}", v);
}

// "1.2 of 2.9 TB/s": a rate and its peak, in the unit of the peak.
std::string rate_of_peak(double rate, double percent, const char* unit) {
  const double peak = percent > 0 ? 100 * rate / percent : rate;
  const bool tera = peak >= 1e12;
  return fmt::format("{} of {} {}{}", short_number(rate * (tera ? 1e-12 : 1e-9)),
                     short_number(peak * (tera ? 1e-12 : 1e-9)), tera ? "T" : "G", unit);
}

std::string memory_share(const Diagnosis& d) {
  return fmt::format("{:.0f}% of the measured copy bandwidth ({})", *d.memory_percent,
                     rate_of_peak(d.bytes_per_s, *d.memory_percent, "B/s"));
}

std::string compute_share(const Diagnosis& d) {
  return fmt::format("{:.0f}% of the measured FMA throughput ({})", *d.compute_percent,
                     rate_of_peak(d.flops_per_s, *d.compute_percent, "FLOP/s"));
}

// The first sentence: the bound and how near its ceiling the kernel runs.
std::string bound_sentence(const Diagnosis& d) {
  if (latency_bound(d)) {
    std::string shares;
    if (d.memory_percent) shares = "memory at " + memory_share(d);
    if (d.compute_percent)
      shares += (shares.empty() ? "compute at " : " and compute at ") + compute_share(d);
    std::string unmeasured;
    if (!d.memory_percent) unmeasured = " (no traffic() declared: memory not measured)";
    if (!d.compute_percent) unmeasured = " (no work() declared: compute not measured)";
    return fmt::format("Latency-bound: {}, under {:.0f}% of peak{}.", shares,
                       k_latency_bound_percent, unmeasured);
  }
  if (d.bound == "memory" && d.memory_percent) return "Memory-bound at " + memory_share(d) + ".";
  if (d.bound == "compute" && d.compute_percent)
    return "Compute-bound at " + compute_share(d) + ".";
  std::string rates;
  if (d.bytes_per_s > 0) rates = "moves " + short_number(d.bytes_per_s * 1e-9) + " GB/s";
  if (d.flops_per_s > 0)
    rates += (rates.empty() ? "computes " : " and computes ") + short_number(d.flops_per_s * 1e-9) +
             " GFLOP/s";
  if (rates.empty()) return {};
  rates[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(rates[0])));
  return rates + " (no measured peak to compare with).";
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// The CPU counters that matter for the bound, the most telling first.
std::string cpu_sentence(const Diagnosis& d, const backends::cpu::Counters& c) {
  std::vector<std::string> memory, compute;
  if (auto l1 = c.l1_miss_percent()) memory.push_back(short_number(*l1) + "% of L1 loads miss");
  if (auto llc = c.llc_miss_percent())
    memory.push_back("LLC miss rate " + short_number(*llc) + "%");
  if (auto ipc = c.ipc()) compute.push_back("IPC " + short_number(*ipc));
  if (auto branch = c.branch_miss_percent())
    compute.push_back(short_number(*branch) + "% of branches mispredicted");
  std::vector<std::string> parts;
  const bool memory_first = d.bound != "compute" || latency_bound(d);
  for (auto* group : memory_first ? std::vector{&memory, &compute} : std::vector{&compute, &memory})
    parts.insert(parts.end(), group->begin(), group->end());
  if (parts.empty()) return {};
  return "CPU counters: " + joined(parts) +
         (c.multiplexed ? " (estimates: the PMU was time-shared)." : ".");
}

// Nsight Compute's figures for the longest kernel of the measured region.
std::string gpu_sentence(const Diagnosis& d, const util::Json& profile) {
  auto kernels = profile.find("kernels");
  if (kernels == profile.end() || !kernels->is_array() || kernels->empty()) return {};
  auto duration = [](const util::Json& k) {
    auto it = k.find("duration_ns");
    return it != k.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  const util::Json* longest = nullptr;
  double total = 0;
  for (const util::Json& k : *kernels) {
    if (!k.is_object()) continue;
    total += duration(k);
    if (!longest || duration(k) > duration(*longest)) longest = &k;
  }
  if (!longest) return {};
  auto figure = [&](const char* key, const char* format) -> std::string {
    auto it = longest->find(key);
    if (it == longest->end() || !it->is_number()) return {};
    return fmt::format(fmt::runtime(format), it->get<double>());
  };
  const std::string dram = figure("dram_throughput_percent", "DRAM throughput {:.0f}% of peak");
  const std::string l2 = figure("l2_hit_rate_percent", "L2 hit rate {:.0f}%");
  const std::string sm = figure("sm_throughput_percent", "SM throughput {:.0f}% of peak");
  const std::string occupancy = figure("occupancy_percent", "achieved occupancy {:.0f}%");
  std::vector<std::string> order;
  if (latency_bound(d) || d.bound.empty())
    order = {occupancy, dram, sm, l2};
  else if (d.bound == "compute")
    order = {sm, occupancy, dram, l2};
  else
    order = {dram, l2, occupancy, sm};
  order.erase(std::remove(order.begin(), order.end(), std::string()), order.end());
  if (order.empty()) return {};
  std::string which = "Nsight Compute";
  if (kernels->size() > 1 && total > 0)
    which += fmt::format(" (longest of {} kernels, {:.0f}% of their time)", kernels->size(),
                         100 * duration(*longest) / total);
  return which + ": " + joined(order) + ".";
}

}  // namespace

std::string in_words(const Diagnosis& d, const backends::cpu::Counters* cpu,
                     const util::Json* gpu_profile) {
  std::vector<std::string> sentences = {bound_sentence(d)};
  if (cpu) sentences.push_back(cpu_sentence(d, *cpu));
  if (gpu_profile) sentences.push_back(gpu_sentence(d, *gpu_profile));
  std::string out;
  for (const std::string& s : sentences) {
    if (!s.empty()) out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

std::string in_words(const knowledge::SizeRecord& record) {
  const Diagnosis d = diagnosis_from(record.extra.value("achieved", util::Json::object()));
  const util::Json* metrics = nullptr;
  if (auto profile = record.extra.find("profile");
      profile != record.extra.end() && profile->is_array()) {
    const util::Json best = knowledge::params_json(record.best);
    for (const util::Json& subject : *profile) {
      auto m = subject.find("metrics");
      if (!subject.is_object() || m == subject.end() || !m->is_object()) continue;
      if (!metrics || subject.value("params", util::Json()) == best) metrics = &*m;
    }
  }
  if (!metrics) return in_words(d, nullptr, nullptr);
  if (metrics->value("source", "") == "perf_event") {
    auto counters = backends::cpu::counters_from(*metrics);
    return in_words(d, counters ? &*counters : nullptr, nullptr);
  }
  return in_words(d, nullptr, metrics);
}

}  // namespace kevolve::eval
