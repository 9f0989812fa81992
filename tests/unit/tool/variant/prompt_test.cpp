#include "tool/variant/prompt.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>
#include <string>

using namespace kevolve;
using variant::Attempt;
using variant::compose_prompt;
using variant::PromptContext;

namespace {

namespace fs = std::filesystem;

// The snapshots are the prompts as an LLM receives them. On a mismatch the actual text is
// written under the build's test output, and the failure says how to compare and accept it.
void check_snapshot(const std::string& name, const std::string& actual) {
  fs::path expected_path = fs::path(KEVOLVE_PROMPT_SNAPSHOTS_DIR) / name;
  auto expected = util::read_file(expected_path);
  if (expected && *expected == actual) return;
  fs::path actual_path = fs::path(KEVOLVE_PROMPT_SNAPSHOTS_OUT) / name;
  fs::create_directories(actual_path.parent_path());
  REQUIRE(util::write_file_atomically(actual_path, actual));
  // On stderr, where Catch does not wrap the lines, so that they can be copied.
  std::cerr << "prompt snapshot " << name << (expected ? " differs" : " is missing")
            << "; the actual text is in " << actual_path.string() << "\n  diff -u "
            << expected_path.string() << " " << actual_path.string() << "\n  accept it: cp "
            << actual_path.string() << " " << expected_path.string() << "\n";
  FAIL("prompt snapshot " << name << (expected ? " differs" : " is missing") << " (see stderr)");
}

std::string numbered_lines(int count, const std::string& prefix) {
  std::string text;
  for (int i = 1; i <= count; ++i) text += prefix + " " + std::to_string(i) + "\n";
  return text;
}

PromptContext cpu_matmul() {
  PromptContext c;
  c.unit = "matmul";
  c.backend = "cpu";
  c.device = "AMD EPYC 7763 64-Core Processor";
  c.kernel_name = "matmul";
  c.kernel_file = "examples/kernels/matmul.cpp";
  c.file_before = R"(// A matrix multiply whose parameters only unroll its naive loop.
#include <kevolve/kevolve.hpp>

#include <cstdio>

#include "kernels.hpp"

)";
  c.kernel_text = R"(KEVOLVE_TUNE(matmul, "U: 1, 2, 4, 8")
void matmul(const float* a, const float* b, float* c, int n) {
  constexpr int u = KEVOLVE_PARAM(matmul, U, 1);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0;
      int k = 0;
      for (; k + u <= n; k += u) {
#pragma GCC unroll 8
        for (int q = 0; q < u; ++q) sum += a[i * n + k + q] * b[(k + q) * n + j];
      }
      for (; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
})";
  c.file_after = R"(

void report_matmul() { std::printf("matmul U=%d\n", KEVOLVE_PARAM(matmul, U, 1)); }
)";
  c.harness_file = "examples/bench/matmul_bench.cpp";
  c.harness_text = R"(#include <kevolve/bench.hpp>

#include "../kernels/kernels.hpp"

KEVOLVE_BENCH(matmul, b) {
  const long n = b.size("n", {256});
  const auto count = static_cast<std::size_t>(n * n);
  const float* a = b.input<float>("a", count);
  const float* m = b.input<float>("b", count);
  float* c = b.output<float>("c", count);
  b.work(2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n));
  b.tolerance("c", 1e-4, 1e-4);
  b.run([=] { matmul(a, m, c, static_cast<int>(n)); });
}
)";
  c.space = "U: 1, 2, 4, 8";
  c.best_params = "U=4";
  c.best_s = 0.0123;
  c.baseline_s = 0.0187;
  c.peak_percent = 3.1;
  c.bound = "compute";

  Attempt failed;
  failed.status = "compile_error";
  // A long message with colours and carriage returns: only its last lines are sent, plain.
  for (int i = 1; i <= 40; ++i)
    failed.message += "\x1b[1mvariant.cpp:" + std::to_string(i) +
                      ":5: \x1b[31merror:\x1b[0m 'bk' was not declared in this scope\r\n";
  failed.explanation = "Blocked the loops over i, k and j with BK and BJ.";
  c.attempts.push_back(failed);

  Attempt good;
  good.status = "ok";
  good.time_s = 0.00187;
  good.params = "BI=32, BJ=256, BK=64";
  good.explanation = "Loop order i-k-j so that the innermost loop walks rows of B and C, and\n"
                     "blocks of BI x BK x BJ that stay in L2.";
  c.attempts.push_back(good);
  return c;
}

PromptContext cuda_triad() {
  PromptContext c;
  c.unit = "triad";
  c.backend = "cuda";
  c.device = "NVIDIA H100 80GB HBM3";
  c.kernel_name = "triad_kernel";
  c.kernel_file = "examples/cuda/kernels/triad.cu";
  c.file_before = R"(#include <kevolve/kevolve.hpp>

#include "kernels.cuh"

constexpr int kBlock = KEVOLVE_PARAM(triad, BLOCK, 256);

)";
  c.kernel_text = R"(template <int BLOCK>
KEVOLVE_TUNE(triad, "BLOCK: 64..1024 pow2; require BLOCK <= max_threads")
__global__ void __launch_bounds__(BLOCK)
    triad_kernel(long n, float s, const float* __restrict__ b, const float* __restrict__ c,
                 float* __restrict__ a) {
  const long i = blockIdx.x * static_cast<long>(BLOCK) + threadIdx.x;
  if (i < n) a[i] = fmaf(s, c[i], b[i]);
})";
  c.file_after = R"(

void triad(long n, float s, const float* b, const float* c, float* a, cudaStream_t stream) {
  triad_kernel<kBlock><<<(n + kBlock - 1) / kBlock, kBlock, 0, stream>>>(n, s, b, c, a);
}
)";
  c.harness_file = "examples/cuda/bench/triad_bench.cu";
  c.harness_text = R"(#include <kevolve/bench.hpp>

#include "../kernels/kernels.cuh"

KEVOLVE_BENCH(triad, b) {
  const long n = b.size("n", {1L << 25, (1L << 20) + 3});
  const float* x = b.input<float>("b", n);
  const float* y = b.input<float>("c", n);
  float* a = b.output<float>("a", n);
  b.traffic(3.0 * static_cast<double>(n) * sizeof(float));
  const cudaStream_t stream = b.stream();
  b.run([=] { triad(n, 3.0f, x, y, a, stream); });
}
)";
  c.space = "BLOCK: 64..1024 pow2; require BLOCK <= max_threads";
  c.best_params = "BLOCK=512";
  c.best_s = 0.000318;
  c.baseline_s = 0.000335;
  c.peak_percent = 40;
  c.bound = "memory";
  return c;
}

// A kernel whose text looks like the template's syntax and holds runs of backticks.
PromptContext hostile_text() {
  PromptContext c;
  c.unit = "odd";
  c.backend = "hip";
  c.kernel_name = "odd";
  c.kernel_file = "src/odd.cpp";
  c.kernel_text = R"kernel(KEVOLVE_TUNE(odd, "N: 1, 2")
void odd(char* out) {
  // Neither @UNIT@ nor @KERNEL@ is a placeholder here, and the lines below are not sections:
@IF_ATTEMPTS@
@END@
  const char* md = "```cpp\n````\n```";  // ends no fence of the prompt
  out[0] = md[0];
})kernel";
  c.space = "N: 1, 2";
  return c;
}

}  // namespace

TEST_CASE("prompt snapshots", "[variant][prompt]") {
  SECTION("the system message") { check_snapshot("system.md", compose_prompt({}).prompt.system); }
  SECTION("a CPU kernel with a failed and a good attempt") {
    std::string user = compose_prompt(cpu_matmul()).prompt.user;
    CHECK(user.find("\n\n\n") == std::string::npos);  // sections leave no stray blank lines
    check_snapshot("cpu_matmul.md", user);
  }
  SECTION("a memory-bound CUDA kernel without attempts") {
    check_snapshot("cuda_triad.md", compose_prompt(cuda_triad()).prompt.user);
  }
  SECTION("code that contains placeholders, section lines and backtick runs") {
    check_snapshot("hostile_text.md", compose_prompt(hostile_text()).prompt.user);
  }
}

TEST_CASE("prompt substitution is one pass", "[variant][prompt]") {
  PromptContext c = hostile_text();
  c.device = "@UNIT@";  // a value that names another placeholder stays as it is
  std::string user = compose_prompt(c).prompt.user;
  CHECK(user.find("- Device: @UNIT@\n") != std::string::npos);
  CHECK(user.find("  // Neither @UNIT@ nor @KERNEL@ is a placeholder here") != std::string::npos);
  CHECK(user.find("\n@IF_ATTEMPTS@\n@END@\n") != std::string::npos);
  CHECK(user.find("## Earlier attempts") == std::string::npos);
  // The kernel's fence is longer than its longest backtick run (four).
  CHECK(user.find("`````cpp\nKEVOLVE_TUNE(odd") != std::string::npos);
}

TEST_CASE("prompt caps what it takes from the project", "[variant][prompt]") {
  PromptContext c = cpu_matmul();
  c.file_before = numbered_lines(5000, "// before");
  c.file_after = numbered_lines(5000, "// after");
  c.harness_text = numbered_lines(5000, "// harness");
  std::string user = compose_prompt(c).prompt.user;
  CHECK(user.find("(The first 4700 lines of the file are not shown.)") != std::string::npos);
  CHECK(user.find("// before 4700\n") == std::string::npos);
  CHECK(user.find("// before 4701\n") != std::string::npos);  // nearest the kernel
  CHECK(user.find("(The last 4700 lines of the file are not shown.)") != std::string::npos);
  CHECK(user.find("// after 300\n") != std::string::npos);
  CHECK(user.find("// after 301\n") == std::string::npos);
  CHECK(user.find("(Its last 4700 lines are not shown.)") != std::string::npos);
  CHECK(user.find("// harness 301\n") == std::string::npos);
  CHECK(user.size() < 80000);

  SECTION("characters too: one huge line keeps its end nearest the kernel, whole characters") {
    c.file_before = "a";
    for (int i = 0; i < 50000; ++i) c.file_before += "\xc3\xa9";  // 'e' with an acute accent
    c.file_before += " last\n";
    std::string huge = compose_prompt(c).prompt.user;
    CHECK(huge.size() < 80000);
    CHECK(huge.find("\n...\xc3\xa9\xc3\xa9") != std::string::npos);  // cut before a whole one
    CHECK(huge.find("\xc3\xa9 last\n") != std::string::npos);
  }
  SECTION("a message keeps its last lines, an explanation its first") {
    c.attempts.resize(1);
    c.attempts[0].explanation = numbered_lines(50, "said");
    std::string trimmed = compose_prompt(c).prompt.user;
    CHECK(trimmed.find("(Its first 20 lines are cut.)") != std::string::npos);
    CHECK(trimmed.find("variant.cpp:21:5: error: 'bk'") != std::string::npos);
    CHECK(trimmed.find("variant.cpp:20:5:") == std::string::npos);
    CHECK(trimmed.find('\x1b') == std::string::npos);
    CHECK(trimmed.find('\r') == std::string::npos);
    CHECK(trimmed.find("(Its last 40 lines are cut.)") != std::string::npos);
    CHECK(trimmed.find("said 10\n") != std::string::npos);
    CHECK(trimmed.find("said 11\n") == std::string::npos);
  }
  SECTION("the last six attempts, numbered from the first") {
    c.attempts.clear();
    for (int i = 1; i <= 9; ++i) {
      Attempt a;
      a.status = "rejected";
      a.message = "reason " + std::to_string(i);
      c.attempts.push_back(a);
    }
    std::string recent = compose_prompt(c).prompt.user;
    CHECK(recent.find("(3 older attempts are not shown.)") != std::string::npos);
    CHECK(recent.find("### Attempt 3:") == std::string::npos);
    CHECK(recent.find("### Attempt 4: rejected") != std::string::npos);
    CHECK(recent.find("### Attempt 9: rejected") != std::string::npos);
    CHECK(recent.find("reason 3\n") == std::string::npos);
  }
}

TEST_CASE("prompt omits what is unknown", "[variant][prompt]") {
  PromptContext c = cuda_triad();
  c.best_s = 0;
  c.baseline_s = 0;
  c.peak_percent.reset();
  c.bound.clear();
  c.device.clear();
  c.harness_text.clear();
  c.file_before.clear();
  c.file_after = "\n";
  std::string user = compose_prompt(c).prompt.user;
  for (const char* absent : {"## Measurements", "Device:", "## The harness", "## The rest of",
                             "Speedup", "Bound by", "peak", "@"})
    CHECK(user.find(absent) == std::string::npos);
  CHECK(user.find("## Guidance for cuda kernels") != std::string::npos);
  CHECK(user.find("\n\n\n") == std::string::npos);

  c.space.clear();
  CHECK(compose_prompt(c).prompt.user.find("The marker's space is empty") != std::string::npos);
  c.backend = "opencl";  // no guidance for a backend kevolve does not know
  CHECK(compose_prompt(c).prompt.user.find("## Guidance") == std::string::npos);
}

TEST_CASE("prompt hash covers every part and nothing else", "[variant][prompt]") {
  PromptContext base = cpu_matmul();
  variant::ComposedPrompt composed = compose_prompt(base);
  std::string hash = composed.hash;
  util::Hasher both;  // anyone holding the two messages can recompute it
  CHECK(hash == both.add(composed.prompt.system).add(composed.prompt.user).digest());
  CHECK(compose_prompt(cpu_matmul()).hash == hash);  // deterministic

  std::vector<void (*)(PromptContext&)> changes = {
      [](PromptContext& c) { c.unit = "matmul2"; },
      [](PromptContext& c) { c.backend = "hip"; },
      [](PromptContext& c) { c.device = "Apple M2"; },
      [](PromptContext& c) { c.kernel_name = "mm"; },
      [](PromptContext& c) { c.kernel_file = "mm.cpp"; },
      [](PromptContext& c) { c.kernel_text += " "; },
      [](PromptContext& c) { c.file_before += "int x;\n"; },
      [](PromptContext& c) { c.file_after += "int y;\n"; },
      [](PromptContext& c) { c.harness_file = "h.cpp"; },
      [](PromptContext& c) { c.harness_text += "// more\n"; },
      [](PromptContext& c) { c.space = "U: 1, 2"; },
      [](PromptContext& c) { c.best_params = "U=8"; },
      [](PromptContext& c) { c.best_s = 0.01; },
      [](PromptContext& c) { c.baseline_s = 0.02; },
      [](PromptContext& c) { c.peak_percent = 5; },
      [](PromptContext& c) { c.bound = "memory"; },
      [](PromptContext& c) { c.attempts.pop_back(); },
      [](PromptContext& c) { c.attempts[0].status = "rejected"; },
      [](PromptContext& c) { c.attempts[0].message += "one more line\n"; },
      [](PromptContext& c) { c.attempts[1].time_s = 0.002; },
      [](PromptContext& c) { c.attempts[1].params = "BI=16"; },
      [](PromptContext& c) { c.attempts[1].explanation = "Something else."; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    PromptContext changed = cpu_matmul();
    changes[i](changed);
    INFO("change " << i);
    CHECK(compose_prompt(changed).hash != hash);
  }
}
