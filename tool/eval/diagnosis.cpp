#include "tool/eval/diagnosis.hpp"

#include <fmt/format.h>

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

}  // namespace kevolve::eval
