#pragma once

// What a timing means (docs/design.md §10): the rates a candidate achieved from the harness's
// traffic() and work(), against the device's measured peaks, and which one bounds it.

#include "backends/cpu/counters.hpp"
#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "knowledge/wisdom.hpp"
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
// Reads it back (the wisdom's `achieved`); fields of the wrong type are left out.
Diagnosis diagnosis_from(const util::Json& achieved);

// Latency-bound: neither resource the harness declares (traffic(), work()) reaches this share
// of its measured peak, so neither bandwidth nor arithmetic is what the time is spent on.
inline constexpr double k_latency_bound_percent = 30;
bool latency_bound(const Diagnosis& diagnosis);

// The diagnosis in one or two short sentences a model can act on (docs/llm.md): the bound and
// the share of the measured peak, then the counters that matter for that bound, from the CPU's
// hardware counters or from Nsight Compute's profile ({"kernels": [...]},
// backends/cuda/profile.hpp); either may be null. "" when nothing is known. E.g.
//   "Memory-bound at 41% of the measured copy bandwidth (1.2 of 2.9 TB/s). CPU counters: 38% of
//    L1 loads miss; LLC miss rate 12%; IPC 0.6."
std::string in_words(const Diagnosis& diagnosis, const backends::cpu::Counters* cpu,
                     const util::Json* gpu_profile);

// The same from a wisdom record: its `achieved` and the `profile` of its winner (the subject
// with its parameters, else the first one profiled).
std::string in_words(const knowledge::SizeRecord& record);

// "2.71 TB/s 91% of copy, memory-bound", or "" when nothing is known.
std::string summary(const Diagnosis& diagnosis);

}  // namespace kevolve::eval
