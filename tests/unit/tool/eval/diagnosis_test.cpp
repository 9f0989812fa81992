#include "tool/eval/diagnosis.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {
backends::Peaks h100_like() {
  backends::Peaks p;
  p.copy_bytes_per_s = 3.0e12;
  p.fma_flops_per_s = 60e12;
  return p;
}
}  // namespace

TEST_CASE("a copy-like kernel is memory-bound at its share of the copy bandwidth") {
  backends::Description d;
  d.traffic = 3.0e9;  // 3 GB in 1.25 ms: 2.4 TB/s
  auto diagnosis = eval::diagnose(d, 1.25e-3, h100_like());
  CHECK(diagnosis.bytes_per_s == Approx(2.4e12));
  CHECK(diagnosis.bound == "memory");
  CHECK(*diagnosis.peak_percent == Approx(80));
  CHECK_FALSE(diagnosis.beyond_peak());
  CHECK(eval::summary(diagnosis) == "2.4e+03 GB/s, 80% of peak, memory-bound");
}

TEST_CASE("the resource nearer its ceiling bounds the kernel") {
  backends::Description d;
  d.traffic = 200e6;
  d.work = 137e9;  // a GEMM: 137 GFLOP in 4 ms = 34 TFLOP/s (57%); 50 GB/s of traffic (2%)
  auto diagnosis = eval::diagnose(d, 4e-3, h100_like());
  CHECK(diagnosis.bound == "compute");
  CHECK(*diagnosis.peak_percent == Approx(100 * 137e9 / 4e-3 / 60e12));
  CHECK(*diagnosis.memory_percent < 5);
}

TEST_CASE("beyond the measured peak is flagged, unknown peaks give rates only") {
  backends::Description d;
  d.traffic = 3.0e9;
  CHECK(eval::diagnose(d, 0.8e-3, h100_like()).beyond_peak());
  auto unknown = eval::diagnose(d, 1e-3, std::nullopt);
  CHECK(unknown.bytes_per_s == Approx(3e12));
  CHECK_FALSE(unknown.peak_percent);
  CHECK(unknown.bound.empty());
  CHECK(eval::to_json(unknown) == util::Json{{"bytes_per_s", 3e12}});
}
