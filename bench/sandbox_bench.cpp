// What the sandbox costs a candidate process: `true` run through util::run_process as it is, and
// wrapped by backends::sandboxed (bwrap with every namespace, the host's root read-only, a
// scratch, a fresh /proc and /dev), the way a launcher runs a candidate.
//
// One run per repetition, the median of 100:
//   build/bench/sandbox_bench --benchmark_repetitions=100 --benchmark_min_time=0
//     --benchmark_report_aggregates_only

#include "backends/sandbox.hpp"
#include "util/process.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdexcept>
#include <stdlib.h>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace kevolve;

void run(benchmark::State& state, const std::vector<std::string>& argv) {
  for (auto _ : state) {
    auto ran = util::run_process(argv);
    if (!ran || !ran->ok()) {
      state.SkipWithError(ran ? ran->output.c_str() : ran.error().c_str());
      return;
    }
  }
}

void unsandboxed(benchmark::State& state) { run(state, {"/bin/true"}); }

void sandboxed(benchmark::State& state) {
  if (!backends::sandbox_support().available) {
    state.SkipWithError(backends::sandbox_support().reason.c_str());
    return;
  }
  std::string scratch = (fs::temp_directory_path() / "kevolve-sandbox-bench-XXXXXX").string();
  if (!mkdtemp(scratch.data())) throw std::runtime_error("mkdtemp failed");
  backends::SandboxPolicy policy;
  policy.scratch = scratch;
  run(state, backends::sandboxed({"/bin/true"}, policy));
  fs::remove_all(scratch);
}

}  // namespace

BENCHMARK(unsandboxed)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(sandboxed)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
