// The work kevolve does per LLM variant outside the compiler and the runs (issue 18's goal:
// <= 50 ms in all): composing the prompt here, on a realistic context (a 60-line kernel in a
// 200-line file, a 150-line harness, 4 earlier attempts with compiler messages). Reading the
// answer, the checks and the splice get their own benchmarks beside this one.
//
//   build/bench/variant_overhead --benchmark_repetitions=10 --benchmark_report_aggregates_only

#include "tool/variant/prompt.hpp"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace kevolve;

// `count` lines of plausible C++ (about 70 characters each, some with backticks in comments).
std::string code_lines(int count, const std::string& what) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i % 10 == 0) text += "  // " + what + " step " + std::to_string(i) + ": see `helper`\n";
    text += "  acc[" + std::to_string(i % 8) + "] += a[i * n + k + " + std::to_string(i) +
            "] * b[(k + " + std::to_string(i) + ") * n + j];\n";
  }
  return text;
}

variant::PromptContext realistic_context() {
  variant::PromptContext c;
  c.unit = "matmul";
  c.backend = "cpu";
  c.device = "AMD EPYC 7763 64-Core Processor";
  c.kernel_name = "matmul";
  c.kernel_file = "src/kernels/matmul.cpp";
  c.kernel_text = "KEVOLVE_TUNE(matmul, \"BI: 4..128 pow2; BJ: 16..512 pow2; BK: 4..256 pow2\")\n"
                  "void matmul(const float* a, const float* b, float* c, int n) {\n" +
                  code_lines(56, "kernel") + "}";
  c.file_before = "#include <kevolve/kevolve.hpp>\n\n" + code_lines(68, "before");
  c.file_after = "\n" + code_lines(60, "after");
  c.harness_file = "bench/matmul_bench.cpp";
  c.harness_text = "#include <kevolve/bench.hpp>\n\nKEVOLVE_BENCH(matmul, b) {\n" +
                   code_lines(134, "harness") + "}\n";
  c.space = "BI: 4..128 pow2; BJ: 16..512 pow2; BK: 4..256 pow2; require BJ * BK * 4 <= 4 * l2";
  c.best_params = "BI=32, BJ=256, BK=64";
  c.best_s = 0.00456;
  c.baseline_s = 0.0123;
  c.peak_percent = 23.4;
  c.bound = "compute";
  for (int i = 0; i < 4; ++i) {
    variant::Attempt a;
    a.status = i % 2 == 0 ? "compile_error" : "ok";
    for (int line = 0; line < 60; ++line)
      a.message += "variant.cpp:" + std::to_string(line) + ":5: error: 'bk' was not declared\n";
    if (i % 2 == 1) a.time_s = 0.00187;
    a.params = "BI=64, BJ=128, BK=32";
    a.explanation = "Loop order i-k-j, blocks that stay in L2, and 4x8 register tiles.";
    c.attempts.push_back(a);
  }
  return c;
}

void compose_prompt_realistic(benchmark::State& state) {
  const variant::PromptContext context = realistic_context();
  std::size_t bytes = 0;
  for (auto _ : state) {
    variant::ComposedPrompt composed = variant::compose_prompt(context);
    bytes = composed.prompt.user.size();
    benchmark::DoNotOptimize(composed);
  }
  state.counters["prompt_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(compose_prompt_realistic)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
