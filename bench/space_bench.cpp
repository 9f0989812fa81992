// The space engine on a large space: 8 parameters tied by constraints into one group,
// 20,971,520 raw points, 542,448 valid ones (GEMM-like tiling with hardware facts). Then what
// untrusted spaces cost (issue 17): one parameter of many values, 20 parameters of 65,536 values
// each (refused: more than 2^64 points), and enumerating every point as --list does.
//
//   build/bench/space_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only
//   build/bench/space_bench --benchmark_filter='values|twenty|enumerate'   # docs/results/space-engine.md

#include "space/space.hpp"

#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

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

// Parse and build `A: 1..N`: a parameter of N values (16,384 took 0.35 s, 65,536 4.89 s).
void one_parameter_values(benchmark::State& state) {
  const std::string text = "A: 1.." + std::to_string(state.range(0));
  for (auto _ : state) {
    auto s = space::make_space(text, gpu_facts());
    if (!s || s->size() != static_cast<std::uint64_t>(state.range(0))) {
      state.SkipWithError("unexpected size");
      break;
    }
  }
}
BENCHMARK(one_parameter_values)
    ->Arg(16384)
    ->Arg(32768)
    ->Arg(65536)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Parse and build 20 parameters of 1..65536: refused, more than 2^64 points (took 52 s).
void twenty_parameters_of_65536(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "P" + std::to_string(i) + ": 1..65536; ";
  for (auto _ : state) {
    auto s = space::make_space(text, gpu_facts());
    if (s || s.error().message.find("more than 2^64 points") == std::string::npos) {
      state.SkipWithError("expected the space to be refused as too large");
      break;
    }
  }
}
BENCHMARK(twenty_parameters_of_65536)->Unit(benchmark::kMillisecond)->UseRealTime();

// Every point of a 1,355,000-point space of two groups in index order, as --list walks them.
void enumerate_all(benchmark::State& state) {
  auto s = space::make_space("A: 1..1000; B: 1..100; C: 1..16; require B % C != 1", gpu_facts());
  if (!s) throw std::runtime_error(s.error().message);
  for (auto _ : state) {
    std::uint64_t checksum = 0;
    for (std::uint64_t i = 0; i < s->size(); ++i) checksum += s->at(i)[0];
    benchmark::DoNotOptimize(checksum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * s->size()));
}
BENCHMARK(enumerate_all)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
