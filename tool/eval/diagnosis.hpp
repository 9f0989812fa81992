#pragma once

// What a timing means (docs/design.md §10): the rates a candidate achieved from the harness's
// traffic() and work(), against the device's measured peaks, and which one bounds it.

#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>

namespace kevolve::eval {

struct Diagnosis {
  double bytes_per_s = 0;                 // 0: the harness declares no traffic
  double flops_per_s = 0;                 // 0: the harness declares no work
  std::optional<double> memory_percent;   // of the measured copy bandwidth
  std::optional<double> compute_percent;  // of the measured FMA throughput
  std::optional<double> peak_percent;     // of the bound resource
  std::string bound;                      // "memory", "compute" or "" (nothing to say)

  // Faster than the measured speed of light (beyond 5% measurement slack): the harness
  // undercounts, or the measurement is wrong; flagged for review.
  bool beyond_peak() const { return peak_percent && *peak_percent > 105; }
};

Diagnosis diagnose(const backends::Description& description, double time_s,
                   const std::optional<backends::Peaks>& peaks);

// An object with the fields that are known; empty when none is.
util::Json to_json(const Diagnosis& diagnosis);

// "2.71 TB/s 91% of copy, memory-bound", or "" when nothing is known.
std::string summary(const Diagnosis& diagnosis);

}  // namespace kevolve::eval
