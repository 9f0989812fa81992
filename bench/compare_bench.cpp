// Verifying a GPU candidate: its outputs compared with the reference's, as the tuner does
// after each verification run (once per seed, three per candidate). The conv2d example's
// output (2034 x 2034 floats, 16.5 MB) in files under /dev/shm where it exists.
//
//   build/bench/compare_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only

#include "tool/eval/compare.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace kevolve;

struct Outputs {
  fs::path root;
  backends::Description description;

  explicit Outputs(std::size_t count) {
    fs::path base =
        ::access("/dev/shm", W_OK) == 0 ? fs::path("/dev/shm") : fs::temp_directory_path();
    root = base / ("kevolve-compare-bench-" + std::to_string(::getpid()));
    description.buffers.push_back({"out", "f32", "output", count});
    std::vector<float> values(count);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> dist(-5.0f, 5.0f);
    for (float& v : values) v = dist(rng);
    write(root / "reference", values);
    for (float& v : values) v *= 1.0f + 1e-6f;  // another summation order
    write(root / "candidate", values);
  }
  ~Outputs() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  static void write(const fs::path& dir, const std::vector<float>& values) {
    fs::create_directories(dir);
    std::string bytes(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    if (!util::write_file_atomically(dir / "out.bin", bytes)) throw std::runtime_error("write");
  }
};

void compare_conv2d_output(benchmark::State& state) {
  Outputs outputs(2034 * 2034);
  for (auto _ : state) {
    std::string diff = eval::compare_outputs(outputs.description, outputs.root / "reference",
                                             outputs.root / "candidate");
    if (!diff.empty()) throw std::runtime_error(diff);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * 2034 * 2034 * 4);
}
BENCHMARK(compare_conv2d_output)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
