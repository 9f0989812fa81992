// The space engine on a large space: 8 parameters tied by constraints into one group,
// 20,971,520 raw points, 542,448 valid ones (GEMM-like tiling with hardware facts).
//
//   build/bench/space_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only

#include "space/space.hpp"

#include <benchmark/benchmark.h>

#include <stdexcept>

namespace {

using namespace kevolve;

constexpr const char* k_gemm_space =
    "BM: 16..256 step 16; BN: 16..256 step 16; BK: 4..64 step 4; TM: 1..8; TN: 1..8; "
    "VEC: 1, 2, 4, 8; STAGES: 1..4; SPLIT: 1..5; "
    "require BM % (TM * VEC) == 0 && BN % TN == 0; "
    "require (BM / TM) * (BN / TN) <= max_threads && (BM / TM) * (BN / TN) >= 2 * warp; "
    "require (BM + BN) * BK * 4 * STAGES <= smem; require BK % VEC == 0; "
    "require SPLIT == 1 || BK >= 32";

space::Facts gpu_facts() {
  space::Facts f;
  f.device = "bench";
  f.values = {{"max_threads", 1024}, {"warp", 32}, {"smem", 49152}};
  return f;
}

space::Space build() {
  auto s = space::make_space(k_gemm_space, gpu_facts());
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(*s);
}

// What the issue asks for: count the valid space, then draw 10,000 uniform samples.
void count_and_sample(benchmark::State& state) {
  for (auto _ : state) {
    space::Space s = build();
    util::Rng rng(1);
    std::uint64_t checksum = s.size();
    for (int i = 0; i < 10000; ++i) checksum += s.sample(rng)[0];
    benchmark::DoNotOptimize(checksum);
    state.counters["raw"] = static_cast<double>(s.raw_size());
    state.counters["valid"] = static_cast<double>(s.size());
  }
}
BENCHMARK(count_and_sample)->Unit(benchmark::kMillisecond)->UseRealTime();

void build_only(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(build().size());
}
BENCHMARK(build_only)->Unit(benchmark::kMillisecond)->UseRealTime();

void sample_10000(benchmark::State& state) {
  space::Space s = build();
  util::Rng rng(1);
  for (auto _ : state) {
    std::uint64_t checksum = 0;
    for (int i = 0; i < 10000; ++i) checksum += s.sample(rng)[0];
    benchmark::DoNotOptimize(checksum);
  }
}
BENCHMARK(sample_10000)->Unit(benchmark::kMicrosecond)->UseRealTime();

void neighbours_of_1000(benchmark::State& state) {
  space::Space s = build();
  util::Rng rng(2);
  std::vector<space::Point> points;
  for (int i = 0; i < 1000; ++i) points.push_back(s.sample(rng));
  for (auto _ : state) {
    std::size_t total = 0;
    for (const auto& p : points) total += s.neighbours(p).size();
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(neighbours_of_1000)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
