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

namespace {

backends::cpu::Counters counted(std::map<std::string, double> counts) {
  backends::cpu::Counters c;
  c.calls = 10;
  c.seconds = 0.01;
  c.counts = std::move(counts);
  return c;
}

const backends::cpu::Counters k_streaming = counted({{"instructions", 6e8},
                                                     {"cycles", 1e9},
                                                     {"cache_references", 2e6},
                                                     {"cache_misses", 2.4e5},
                                                     {"l1d_loads", 1e8},
                                                     {"l1d_load_misses", 3.8e7}});

}  // namespace

TEST_CASE("in words: memory-bound, with the CPU's cache counters first", "[diagnosis]") {
  backends::Description d;
  d.traffic = 1.19e9;  // in 1 ms: 1.19 TB/s of 2.9
  backends::Peaks peaks;
  peaks.copy_bytes_per_s = 2.9e12;
  peaks.fma_flops_per_s = 60e12;
  auto diagnosis = eval::diagnose(d, 1e-3, peaks);
  CHECK(eval::in_words(diagnosis, nullptr, nullptr) ==
        "Memory-bound at 41% of the measured copy bandwidth (1.2 of 2.9 TB/s).");
  CHECK(eval::in_words(diagnosis, &k_streaming, nullptr) ==
        "Memory-bound at 41% of the measured copy bandwidth (1.2 of 2.9 TB/s). CPU counters: 38% "
        "of L1 loads miss; LLC miss rate 12%; IPC 0.6.");
  backends::cpu::Counters shared = k_streaming;
  shared.multiplexed = true;
  CHECK_THAT(eval::in_words(diagnosis, &shared, nullptr),
             Catch::EndsWith("IPC 0.6 (estimates: the PMU was time-shared)."));
  // Counters that could not be read add nothing.
  backends::cpu::Counters none = counted({});
  none.unavailable["instructions"] = "no PMU";
  CHECK(eval::in_words(diagnosis, &none, nullptr) == eval::in_words(diagnosis, nullptr, nullptr));
}

TEST_CASE("in words: compute-bound, with IPC and branches first", "[diagnosis]") {
  backends::Description d;
  d.traffic = 200e6;
  d.work = 137e9;  // in 4 ms: 34 TFLOP/s of 60
  auto diagnosis = eval::diagnose(d, 4e-3, h100_like());
  backends::cpu::Counters c = counted({{"instructions", 2.5e9},
                                       {"cycles", 1e9},
                                       {"branches", 1e8},
                                       {"branch_misses", 5e5},
                                       {"l1d_loads", 1e9},
                                       {"l1d_load_misses", 2e7}});
  CHECK(eval::in_words(diagnosis, &c, nullptr) ==
        "Compute-bound at 57% of the measured FMA throughput (34 of 60 TFLOP/s). CPU counters: "
        "IPC 2.5; 0.5% of branches mispredicted; 2% of L1 loads miss.");
}

TEST_CASE("in words: latency-bound when no declared resource reaches 30% of its peak",
          "[diagnosis]") {
  backends::Description d;
  d.traffic = 3e8;  // in 1 ms: 0.3 TB/s of 3 (10%)
  d.work = 1e9;     // 1 TFLOP/s of 60 (2%)
  auto diagnosis = eval::diagnose(d, 1e-3, h100_like());
  CHECK(eval::latency_bound(diagnosis));
  CHECK(eval::in_words(diagnosis, nullptr, nullptr) ==
        "Latency-bound: memory at 10% of the measured copy bandwidth (0.3 of 3 TB/s) and compute "
        "at 2% of the measured FMA throughput (1 of 60 TFLOP/s), under 30% of peak.");
  d.work = 0;
  CHECK(eval::in_words(eval::diagnose(d, 1e-3, h100_like()), nullptr, nullptr) ==
        "Latency-bound: memory at 10% of the measured copy bandwidth (0.3 of 3 TB/s), under 30% "
        "of peak (no work() declared: compute not measured).");
  // At 30% the resource bounds the kernel.
  d.traffic = 9e8;
  CHECK_FALSE(eval::latency_bound(eval::diagnose(d, 1e-3, h100_like())));
}

TEST_CASE("in words: Nsight Compute's figures for the longest kernel", "[diagnosis]") {
  backends::Description d;
  d.traffic = 2.4e9;  // in 1 ms: 80% of 3 TB/s
  auto diagnosis = eval::diagnose(d, 1e-3, h100_like());
  util::Json profile = util::Json::parse(R"({"kernels": [
    {"name": "a", "duration_ns": 300, "dram_throughput_percent": 85, "l2_hit_rate_percent": 12,
     "occupancy_percent": 48, "sm_throughput_percent": 20},
    {"name": "b", "duration_ns": 100, "dram_throughput_percent": 5}]})");
  CHECK(eval::in_words(diagnosis, nullptr, &profile) ==
        "Memory-bound at 80% of the measured copy bandwidth (2.4 of 3 TB/s). Nsight Compute "
        "(longest of 2 kernels, 75% of their time): DRAM throughput 85% of peak; L2 hit rate 12%; "
        "achieved occupancy 48%; SM throughput 20% of peak.");
  util::Json hostile = util::Json::parse(R"({"kernels": [1, "x", {"duration_ns": "long"}]})");
  CHECK(eval::in_words(diagnosis, nullptr, &hostile) ==
        "Memory-bound at 80% of the measured copy bandwidth (2.4 of 3 TB/s).");
}

TEST_CASE("in words: rates without peaks, and nothing known", "[diagnosis]") {
  backends::Description d;
  d.traffic = 2.4e9;
  CHECK(eval::in_words(eval::diagnose(d, 1e-3, std::nullopt), nullptr, nullptr) ==
        "Moves 2400 GB/s (no measured peak to compare with).");
  CHECK(eval::in_words(eval::Diagnosis{}, nullptr, nullptr).empty());
}

TEST_CASE("in words: from a wisdom record, the winner's counters", "[diagnosis]") {
  backends::Description d;
  d.traffic = 1.19e9;
  backends::Peaks peaks;
  peaks.copy_bytes_per_s = 2.9e12;
  peaks.fma_flops_per_s = 60e12;
  knowledge::SizeRecord record;
  record.best = {{"X", space::Value(std::int64_t{4})}};
  record.extra["achieved"] = eval::to_json(eval::diagnose(d, 1e-3, peaks));
  backends::cpu::Counters defaults = counted({{"instructions", 1e9}, {"cycles", 1e9}});
  record.extra["profile"] = util::Json::array(
      {{{"params", {{"X", 1}}}, {"metrics", backends::cpu::to_json(defaults)}},
       {{"params", {{"X", 4}}}, {"metrics", backends::cpu::to_json(k_streaming)}},
       {{"params", {{"X", 2}}}, {"error", "counting failed"}}});
  CHECK(eval::in_words(record) ==
        "Memory-bound at 41% of the measured copy bandwidth (1.2 of 2.9 TB/s). CPU counters: 38% "
        "of L1 loads miss; LLC miss rate 12%; IPC 0.6.");
  record.extra.erase("profile");
  CHECK(eval::in_words(record) ==
        "Memory-bound at 41% of the measured copy bandwidth (1.2 of 2.9 TB/s).");
}
