// kevolve scan on a generated CUDA target of 50 sources (one marked kernel each), configured
// with CMake: seconds per file with the shared prelude cached, with it rebuilt every time, and
// without it; on 1 worker and on all hardware threads.
//
//   build/bench/scan_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only
//
// Needs nvcc (CMake must enable CUDA); skips otherwise.

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "analyzers/file_api.hpp"
#include "analyzers/scan.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace {

using namespace kevolve;
namespace fs = std::filesystem;

constexpr int k_files = 50;

struct Project {
  fs::path root;
  std::string error;
  analyzers::BuildInfo build;
  std::vector<analyzers::ScanRequest> requests;
  fs::path work;
};

void write(const fs::path& file, const std::string& text) {
  if (!util::ensure_directory(file.parent_path()) || !util::write_file_atomically(file, text)) {
    throw std::runtime_error("cannot write " + file.string());
  }
}

std::string kernel_source(int i) {
  return fmt::format(R"(#include <cuda_runtime.h>
#include <kevolve/kevolve.hpp>

template <int BLOCK = KEVOLVE_PARAM(k{0}, BLOCK, 256), int ITEMS = KEVOLVE_PARAM(k{0}, ITEMS, 2)>
KEVOLVE_TUNE(k{0}, "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= 4096")
__global__ void kernel_{0}(int n, const float* __restrict__ x, float* __restrict__ y) {{
  int base = (blockIdx.x * BLOCK + threadIdx.x) * ITEMS;
#pragma unroll
  for (int i = 0; i < ITEMS; ++i) {{
    if (base + i < n) y[base + i] = {0}.0f * x[base + i] + y[base + i];
  }}
}}

void launch_{0}(int n, const float* x, float* y, cudaStream_t stream) {{
  constexpr int B = KEVOLVE_PARAM(k{0}, BLOCK, 256), I = KEVOLVE_PARAM(k{0}, ITEMS, 2);
  kernel_{0}<B, I><<<(n + B * I - 1) / (B * I), B, 0, stream>>>(n, x, y);
}}
)",
                     i);
}

Project& project() {
  static Project p = [] {
    Project p;
    p.root = fs::temp_directory_path() / fmt::format("kevolve-scan-bench-{}", ::getpid());
    std::string sources;
    for (int i = 0; i < k_files; ++i) {
      write(p.root / "src" / fmt::format("k{}.cu", i), kernel_source(i));
      sources += fmt::format(" k{}.cu", i);
    }
    write(p.root / "src/CMakeLists.txt",
          fmt::format("cmake_minimum_required(VERSION 3.20)\nproject(bench LANGUAGES CUDA)\n"
                      "add_library(kernels STATIC{})\n"
                      "target_include_directories(kernels PRIVATE \"{}\")\n"
                      "set_target_properties(kernels PROPERTIES CUDA_ARCHITECTURES 90 CUDA_STANDARD 17)\n",
                      sources, KEVOLVE_INCLUDE_DIR));
    auto configured = util::run_process({"cmake", "-S", (p.root / "src").string(), "-B", (p.root / "build").string()});
    if (!configured || !configured->ok()) {
      p.error = "cannot configure a CUDA project here (is nvcc installed?)";
      return p;
    }
    auto build = analyzers::read_build(p.root / "build");
    if (!build) {
      p.error = build.error();
      return p;
    }
    p.build = std::move(*build);
    p.work = p.root / "build/kevolve/scan";
    auto env = analyzers::make_environment(&p.build, p.work);
    auto requests = env ? analyzers::plan_scan(p.build, *env, "kernels", {})
                        : util::Expected<std::vector<analyzers::ScanRequest>>(util::unexpected(env.error()));
    if (!requests) {
      p.error = requests.error();
      return p;
    }
    p.requests = std::move(*requests);
    return p;
  }();
  return p;
}

void remove_preludes(const fs::path& work) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(work, ec)) {
    if (e.path().extension() == ".pch") fs::remove(e.path(), ec);
  }
}

enum class Prelude { cached, rebuilt, none };

void scan(benchmark::State& state, Prelude prelude) {
  Project& p = project();
  if (!p.error.empty()) {
    state.SkipWithError(p.error.c_str());
    return;
  }
  analyzers::ParseOptions options;
  options.jobs = static_cast<unsigned>(state.range(0));
  options.work_dir = p.work;
  options.use_prelude = prelude != Prelude::none;
  if (prelude == Prelude::cached) analyzers::scan_target(p.requests.front(), options);  // warm it
  int units = 0;
  for (auto _ : state) {
    if (prelude == Prelude::rebuilt) {
      state.PauseTiming();
      remove_preludes(p.work);
      state.ResumeTiming();
    }
    analyzers::TargetScan result = analyzers::scan_target(p.requests.front(), options);
    units = static_cast<int>(result.units.size());
    if (result.errors() > 0) state.SkipWithError("the scan reported errors");
  }
  state.counters["units"] = units;
  state.counters["s_per_file"] =
      benchmark::Counter(k_files, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void scan_prelude_cached(benchmark::State& state) { scan(state, Prelude::cached); }
void scan_prelude_rebuilt(benchmark::State& state) { scan(state, Prelude::rebuilt); }
void scan_no_prelude(benchmark::State& state) { scan(state, Prelude::none); }

const int k_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
BENCHMARK(scan_prelude_cached)->Arg(1)->Arg(k_threads)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(scan_prelude_rebuilt)->Arg(1)->Arg(k_threads)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(scan_no_prelude)->Arg(1)->Arg(k_threads)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(project().root, ec);
  return 0;
}
