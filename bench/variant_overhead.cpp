// The work kevolve does per LLM variant outside the compiler and the runs (issue 18's goal:
// <= 50 ms in all): composing the prompt here, on a realistic context (a 60-line kernel in a
// 200-line file, a 150-line harness, 4 earlier attempts with compiler messages). Reading the
// answer, the checks and the splice get their own benchmarks beside this one.
//
//   build/bench/variant_overhead --benchmark_repetitions=10 --benchmark_report_aggregates_only

#include "analyzers/variant_check.hpp"
#include "tool/variant/answer.hpp"
#include "tool/variant/prompt.hpp"
#include "tool/variant/splice.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

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

// The static checks of a variant of examples/llm's matmul_naive (a CPU kernel, its harness
// including <kevolve/bench.hpp>): check_variant each time (first), and the later checks of a
// tune through one VariantChecker (again), two variants in turn, each at its own path.
namespace fs = std::filesystem;

const fs::path k_llm = fs::path(KEVOLVE_SOURCE_DIR) / "examples" / "llm";

std::string interchanged(int tile) {
  return "KEVOLVE_TUNE(matmul_naive, \"BLOCK: 16, 32, 64, 128\")\n"
         "void matmul_naive(const float* a, const float* b, float* c, int n) {\n"
         "  constexpr int block = KEVOLVE_PARAM(matmul_naive, BLOCK, " +
         std::to_string(tile) +
         ");\n"
         "  for (int i = 0; i < n * n; ++i) c[i] = 0.0f;\n"
         "  for (int kb = 0; kb < n; kb += block)\n"
         "    for (int i = 0; i < n; ++i)\n"
         "      for (int k = kb; k < kb + block && k < n; ++k) {\n"
         "        const float aik = a[i * n + k];\n"
         "        for (int j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];\n"
         "      }\n"
         "}\n";
}

struct CheckSetup {
  fs::path dir;
  analyzers::ScanRequest request;
  analyzers::ParseOptions options;
  analyzers::Unit original;
  std::string source;
  std::string error;

  CheckSetup() {
    std::string pattern = (fs::temp_directory_path() / "kevolve-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      error = "no temporary directory";
      return;
    }
    dir = pattern;
    fs::path kernel = k_llm / "kernels" / "matmul_naive.cpp";
    auto text = util::read_file(kernel);
    auto env = analyzers::make_environment(nullptr, dir / "work");
    analyzers::CompileGroup group;
    group.standard = "17";
    group.includes.push_back({fs::path(KEVOLVE_SOURCE_DIR) / "include", false});
    auto args = env ? analyzers::clang_args(group, analyzers::Language::cxx, *env)
                    : decltype(analyzers::clang_args(group, analyzers::Language::cxx, *env))(
                          util::unexpected(env.error()));
    if (!text || !args) {
      error = text ? args.error() : "cannot read " + kernel.string();
      return;
    }
    source = std::move(*text);
    request.target = "llm";
    request.sources.push_back({kernel, analyzers::Language::cxx, *args});
    request.harnesses.push_back(
        {k_llm / "bench" / "matmul_naive_bench.cpp", analyzers::Language::cxx, *args});
    options.jobs = 1;
    options.work_dir = dir / "work";
    analyzers::TargetScan scan = analyzers::scan_target(request, options);
    if (scan.errors() || !scan.find("matmul_naive")) {
      error = scan.problems.empty() ? "no unit matmul_naive" : scan.problems.front().message;
      return;
    }
    original = *scan.find("matmul_naive");
  }
  ~CheckSetup() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }

  // The variant `code` spliced and written as variant `name`, as a tune writes it.
  analyzers::VariantSource write(const std::string& name, const std::string& code) const {
    variant::Spliced s = variant::splice({source, original.kernel.begin, original.kernel.end, code,
                                          original.kernel.name.file, name + ".cpp"});
    fs::path patched = dir / "variants" / name / "matmul_naive.cpp";
    fs::create_directories(patched.parent_path());
    (void)util::write_file_atomically(patched, s.text);
    return {patched, s.code_begin, s.code_end};
  }
};

void check_variant_first(benchmark::State& state) {
  CheckSetup setup;
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  analyzers::VariantSource v = setup.write("a", interchanged(32));
  for (auto _ : state) {
    analyzers::VariantCheck c =
        analyzers::check_variant(setup.request, setup.options, setup.original, v);
    if (!c.unit) return state.SkipWithError("the variant was refused");
  }
}
BENCHMARK(check_variant_first)->Unit(benchmark::kMillisecond);

void check_variant_again(benchmark::State& state) {
  CheckSetup setup;
  if (!setup.error.empty()) return state.SkipWithError(setup.error.c_str());
  analyzers::VariantSource a = setup.write("a", interchanged(32));
  analyzers::VariantSource b = setup.write("b", interchanged(64));
  analyzers::VariantChecker checker(setup.request, setup.options);
  if (!checker.check(setup.original, a).unit || !checker.warm())
    return state.SkipWithError("the first check kept nothing");
  bool second = false;
  for (auto _ : state) {
    analyzers::VariantCheck c = checker.check(setup.original, second ? b : a);
    if (!c.unit) return state.SkipWithError("the variant was refused");
    second = !second;
  }
}
BENCHMARK(check_variant_again)->Unit(benchmark::kMillisecond);

// Reading the scripted answer of examples/llm and splicing its code into the kernel's file, as a
// tune does for every variant before the checks.
void answer_and_splice(benchmark::State& state) {
  auto answer = util::read_file(k_llm / "scripted" / "answer.md");
  auto source = util::read_file(k_llm / "kernels" / "matmul_naive.cpp");
  if (!answer || !source) return state.SkipWithError("cannot read examples/llm");
  const std::size_t begin = source->find("KEVOLVE_TUNE("), end = source->rfind('}') + 1;
  for (auto _ : state) {
    auto parsed = variant::parse_answer(*answer, "matmul_naive");
    if (!parsed) return state.SkipWithError(parsed.error().c_str());
    variant::Spliced s = variant::splice(
        {*source, begin, end, parsed->code, "kernels/matmul_naive.cpp", "variants/x.cpp"});
    benchmark::DoNotOptimize(s.text.data());
  }
}
BENCHMARK(answer_and_splice)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
