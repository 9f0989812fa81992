// The static checks of LLM-written variants, on fixtures/variant/matmul.cpp and its harness:
// one variant per red flag, each refused with its reason at its line of the variant, and a
// good variant (loop interchange, a new space) accepted as its unit.

#include "analyzers/variant_check.hpp"

#include "tool/variant/answer.hpp"
#include "tool/variant/splice.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "child.hpp"
#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::analyzers;

namespace {

namespace fs = std::filesystem;

const fs::path k_kernel = fs::path(KEVOLVE_FIXTURES_DIR) / "variant" / "matmul.cpp";
const fs::path k_harness = fs::path(KEVOLVE_FIXTURES_DIR) / "variant" / "matmul_harness.cpp";

struct Checker {
  test::TempDir dir;
  ScanRequest request;
  ParseOptions options;
  Unit original;
  std::string source;

  Checker() {
    auto env = make_environment(nullptr, dir / "work");
    REQUIRE(env);
    CompileGroup group;
    group.standard = "17";
    group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
    auto args = clang_args(group, Language::cxx, *env);
    REQUIRE(args);
    request.target = "test";
    request.sources.push_back({k_kernel, Language::cxx, *args});
    request.harnesses.push_back({k_harness, Language::cxx, *args});
    options.jobs = 1;
    options.work_dir = dir / "work";
    TargetScan scan = scan_target(request, options);
    INFO((scan.problems.empty() ? "" : scan.problems.front().message));
    REQUIRE(scan.errors() == 0);
    REQUIRE(scan.find("matmul"));
    original = *scan.find("matmul");
    source = *util::read_file(k_kernel);
  }

  VariantCheck check(const std::string& code) {
    fs::path patched = dir / "build" / "matmul.cpp";
    variant::Spliced s = variant::splice({source, original.kernel.begin, original.kernel.end, code,
                                          k_kernel.string(), "variant.cpp"});
    dir.write("build/matmul.cpp", s.text);
    return check_variant(request, options, original, {patched, s.code_begin, s.code_end});
  }
};

Checker& checker() {
  static Checker c;
  return c;
}

std::string joined(const VariantCheck& c) {
  return fmt::format("{}", fmt::join(c.rejections, "\n"));
}

const std::string k_marker = "KEVOLVE_TUNE(matmul, \"UNROLL: 1, 2, 4\")\n";
const std::string k_head = "void matmul(const float* a, const float* b, float* c, int n) {\n";
const std::string k_loop =
    "  for (int i = 0; i < n * n; ++i) c[i] = a[i] * b[i] * "
    "KEVOLVE_PARAM(matmul, UNROLL, 1);\n";

// A variant: the marker, the head, `body` (line 3 on), the loop and the closing brace.
std::string variant_with(const std::string& body) {
  return k_marker + k_head + body + k_loop + "}\n";
}

void refused(const std::string& code, const std::string& reason) {
  VariantCheck c = checker().check(code);
  INFO(code);
  INFO(joined(c));
  CHECK_FALSE(c.unit);
  REQUIRE_FALSE(c.rejections.empty());
  CHECK_THAT(joined(c), Catch::Contains(reason));
}

}  // namespace

TEST_CASE("variant check: the scan gives the kernel's signature", "[analyzers][variant]") {
  CHECK(checker().original.kernel.signature == "void (const float *, const float *, float *, int)");
}

TEST_CASE("variant check: a loop interchange with a new space passes", "[analyzers][variant]") {
  std::string code =
      "#include <cmath>\n"   // on the allow-list
      "#include <vector>\n"  // not new: the original includes it
      "#define TILE 32\n"
      "KEVOLVE_TUNE(matmul, \"UNROLL: 1, 2, 4; BLOCK: 16, 32, 64\")\n"
      "void matmul(const float* a, const float* b, float* c, int n) {\n"
      "  constexpr int unroll = KEVOLVE_PARAM(matmul, UNROLL, 1);\n"
      "  static_assert(sizeof(float) == 4, \"no asm, no printf\");  // asm in a comment\n"
      "  constexpr int block = KEVOLVE_PARAM(matmul, BLOCK, 32) + 0 * TILE;\n"
      "  for (int i = 0; i < n * n; ++i) c[i] = 0;\n"
      "  for (int jb = 0; jb < n; jb += block)\n"
      "    for (int i = 0; i < n; ++i)\n"
      "      for (int k = 0; k < n; k += unroll)\n"
      "        for (int u = 0; u < unroll && k + u < n; ++u)\n"
      "          for (int j = jb; j < jb + block && j < n; ++j)\n"
      "            c[i * n + j] += scale(a[i * n + k + u]) * b[(k + u) * n + j];\n"
      "}\n";
  VariantCheck c = checker().check(code);
  INFO(joined(c));
  CHECK(c.rejections.empty());
  REQUIRE(c.unit);
  CHECK(c.unit->name == "matmul");
  CHECK(c.unit->space == "UNROLL: 1, 2, 4; BLOCK: 16, 32, 64");
  REQUIRE(c.unit->params.size() == 2);
  CHECK(c.unit->params[1].name == "BLOCK");
  CHECK(c.unit->kernel.name.file == (checker().dir / "build" / "matmul.cpp").string());
  CHECK(c.unit->kernel.signature == checker().original.kernel.signature);
}

TEST_CASE("variant check: each red flag is refused at its line", "[analyzers][variant]") {
  refused(variant_with("  std::thread t([] {});\n  t.join();\n"),
          "line 3: starts a thread (std::thread)");
  refused(variant_with("  std::thread([] {}).detach();\n"), "line 3: starts a thread (std::thread");
  refused(variant_with("  static int calls = 0;\n  ++calls;\n"),
          "line 3: static local variable 'calls' that is not const");
  refused(variant_with("  thread_local float last = 0;\n  last = c[0];\n"),
          "line 3: thread_local variable 'last'");
  refused("int counter;\n" + variant_with("  ++counter;\n"),
          "line 1: global variable 'counter' that is not const");
  refused(variant_with("  asm volatile(\"\" ::: \"memory\");\n"), "line 3: inline assembly");
  refused(variant_with("  auto t0 = std::chrono::steady_clock::now();\n  (void)t0;\n"),
          "line 3: reads a clock (std::chrono::steady_clock::now)");
  refused(variant_with("  (void)std::clock();\n"), "line 3: reads a clock (clock)");
  refused(variant_with("  std::printf(\"%d\\n\", n);\n"), "line 3: does I/O (printf)");
  refused(variant_with("  LOG_VALUE(c[0]);\n"), "line 3: does I/O (printf)");  // a macro's call
  refused(variant_with("  std::FILE* f = std::fopen(\"/tmp/x\", \"w\");\n  (void)f;\n"),
          "line 3: does I/O (fopen)");
  refused(variant_with("  if (std::getenv(\"FAST\")) return;\n"),
          "line 3: reads or changes the environment (getenv)");
  refused(variant_with("  (void)std::system(\"true\");\n"),
          "line 3: runs or loads a program (system)");
  refused("extern \"C\" int cudaStreamCreate(void** stream);\n" +
              variant_with("  void* s = nullptr;\n  cudaStreamCreate(&s);\n"),
          "line 5: creates a stream, an event or a graph (cudaStreamCreate)");
  refused("#include <iostream>\n" + variant_with(""),
          "line 1: #include <iostream>: not on the allow-list");
  refused("#include \"matmul_harness.cpp\"\n" + variant_with(""),
          "line 1: #include \"matmul_harness.cpp\": not on the allow-list");
  refused("#define ADD(x, y) ((x) + (y))\n" + variant_with(""),
          "line 1: #define ADD: a variant's macros may only stand for a constant number");
  refused("#define KEVOLVE_PARAM(u, n, d) 4\n" + variant_with(""),
          "line 1: #define KEVOLVE_PARAM: redefines one of kevolve's macros");
  refused("#line 40 \"elsewhere.cpp\"\n" + variant_with(""),
          "line 1: #line: a variant's lines must map to its own file");
  refused("# 40 \"elsewhere.cpp\"\n" + variant_with(""), "line 1: #line: a variant's lines");
  refused("#undef LOG_VALUE\n" + variant_with(""), "line 1: #undef LOG_VALUE: a variant may not");
  refused("extern int g;\n" + variant_with("  ++g;\n"), "line 1: global variable 'g'");
  refused(variant_with("  __asm__(\"nop\");\n"), "line 3: inline assembly");
  refused(variant_with("  std::ofstream out(\"/tmp/x\");\n"), "line 3: does I/O (std::");
  refused("void reference_matmul(const float*, const float*, float*, int);\n" +
              variant_with("  reference_matmul(a, b, c, n);\n  return;\n"),
          "line 4: calls reference_matmul, a function of the harness");
  // The harness runtime's functions are inline in every candidate's main: a variant's strong
  // definition would replace a copy the compiler did not inline (a main that reports any time).
  refused("namespace kevolve { namespace detail {\n"
          "int harness_main(int, char**, void (*)(int&)) { return 0; }\n} }\n" +
              variant_with(""),
          "line 1: declares kevolve, a name of kevolve's");
  refused("namespace kevolve::detail { struct Bench; void unit_bench(Bench&) {} }\n" +
              variant_with(""),
          "line 1: declares kevolve::detail, a name of kevolve's");
  refused("extern \"C\" int kevolve_candidate_main(int, char**) { return 0; }\n" +
              variant_with(""),
          "line 1: declares kevolve_candidate_main, a name of kevolve's");
  refused("void kevolve_bench_matmul(int& b) { b = 0; }\n" + variant_with(""),
          "line 1: declares kevolve_bench_matmul, a name of kevolve's");
}

TEST_CASE("variant check: the kernel's name, signature and marker", "[analyzers][variant]") {
  refused(k_marker + "void matmul_fast(const float* a, const float* b, float* c, int n) {\n" +
              k_loop + "}\n",
          "line 2: the kernel is named matmul_fast; the original is matmul");
  refused(k_marker + "void matmul(const float* a, const float* b, float* c, long n) {\n" + k_loop +
              "}\n",
          "line 2: the kernel's signature changed: void (const float *, const float *, float *, "
          "long) (the original: void (const float *, const float *, float *, int))");
  refused(k_head + k_loop + "}\n", "no KEVOLVE_TUNE(matmul, \"...\") marker on a kernel");
  refused("KEVOLVE_TUNE(other, \"UNROLL: 1, 2, 4\")\n" + k_head + "  (void)a;\n}\n",
          "line 1: the KEVOLVE_TUNE marker names unit 'other', not 'matmul'");
  refused(
      "KEVOLVE_TUNE(matmul, \"UNROLL: 1, 2, 4; require UNROLL > 8\")\n" + k_head + k_loop + "}\n",
      "in the space of unit 'matmul'");
  refused(variant_with("  for (int i = 0; i < n ++i) {}\n"),
          "line 3: does not parse: expected ';'");
}

TEST_CASE("variant check: a CUDA kernel's variants", "[analyzers][variant]") {
  test::TempDir dir;
  auto env = make_environment(nullptr, dir / "work");
  REQUIRE(env);
  if (env->cuda_path.empty()) KEVOLVE_SKIP("no CUDA toolkit here");
  fs::path kernel = fs::path(KEVOLVE_FIXTURES_DIR) / "template_kernel.cu";
  CompileGroup group;
  group.standard = "17";
  group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
  auto args = clang_args(group, Language::cuda, *env);
  REQUIRE(args);
  ScanRequest request;
  request.target = "test";
  request.sources.push_back({kernel, Language::cuda, *args});
  ParseOptions options;
  options.jobs = 1;
  options.work_dir = dir / "work";
  TargetScan scan = scan_target(request, options);
  REQUIRE(scan.find("saxpy"));
  Unit original = *scan.find("saxpy");
  CHECK(original.kernel.signature == "void (int, float, const float *, float *)");
  std::string source = *util::read_file(kernel);

  auto check = [&](const std::string& code) {
    variant::Spliced s = variant::splice(
        {source, original.kernel.begin, original.kernel.end, code, kernel.string(), "v.cu"});
    fs::path patched = dir.write("build/template_kernel.cu", s.text);
    return check_variant(request, options, original, {patched, s.code_begin, s.code_end});
  };
  const std::string marker =
      "KEVOLVE_TUNE(saxpy, \"BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; require BLOCK * ITEMS <= "
      "8192\")\n";
  const std::string head =
      "__global__ void saxpy_kernel(int n, float a, const float* x, float* y) {\n";
  const std::string templates =
      "template <int BLOCK = KEVOLVE_PARAM(saxpy, BLOCK, 256), int ITEMS = KEVOLVE_PARAM(saxpy, "
      "ITEMS, 1)";
  const std::string body =
      "  int i = blockIdx.x * BLOCK * ITEMS + threadIdx.x;\n"
      "  for (int k = 0; k < ITEMS; ++k, i += BLOCK) if (i < n) y[i] = a * x[i] + y[i];\n}\n";

  // A new template parameter with a default: existing launches still compile.
  VariantCheck good = check(templates + ", bool GUARD = true>\n" + marker + head + body);
  INFO(joined(good));
  CHECK(good.rejections.empty());
  CHECK(good.unit);

  // Without a default, the file's existing launch no longer compiles.
  VariantCheck no_default = check(templates + ", bool GUARD>\n" + marker + head + body);
  CHECK_THAT(joined(no_default), Catch::Contains("does not parse: " + kernel.string() + ":"));

  // A block's __shared__ scratch is not state kept between calls.
  VariantCheck shared = check(templates + ">\n" + marker + head +
                              "  __shared__ float tile[BLOCK];\n  tile[threadIdx.x] = 0;\n" + body);
  INFO(joined(shared));
  CHECK(shared.rejections.empty());

  VariantCheck global = check("__device__ int launches;\n" + templates + ">\n" + marker + head +
                              "  atomicAdd(&launches, 1);\n" + body);
  CHECK_THAT(joined(global), Catch::Contains("line 1: __device__ variable 'launches'"));
  VariantCheck clock =
      check(templates + ">\n" + marker + head + "  long long t = clock64();\n  (void)t;\n" + body);
  CHECK_THAT(joined(clock), Catch::Contains("line 4: reads a clock (clock64)"));
  VariantCheck host =
      check(templates + ">\n" + marker + head + "  if (n < 0) printf(\"%d\\n\", n);\n" + body);
  CHECK_THAT(joined(host), Catch::Contains("line 4: does I/O (printf)"));
  VariantCheck types = check(templates + ">\n" + marker +
                             "__global__ void saxpy_kernel(int n, double a, const float* x, float* "
                             "y) {\n" +
                             body);
  CHECK_THAT(joined(types), Catch::Contains("the kernel's signature changed: void (int, double, "
                                            "const float *, float *)"));
}

// The CUDA examples' scripted SGEMM variant (examples/cuda/scripted/sgemm.md, what the GPU run
// of scripts/device-examples.sh --variants asks for): asynchronous copies through
// <cuda_pipeline.h>, static shared memory and parameters the launcher does not read all pass.
TEST_CASE("variant check: the CUDA examples' scripted SGEMM variant passes", "[analyzers][variant]") {
  test::TempDir dir;
  auto env = make_environment(nullptr, dir / "work");
  REQUIRE(env);
  if (env->cuda_path.empty()) KEVOLVE_SKIP("no CUDA toolkit here");
  const fs::path examples = KEVOLVE_EXAMPLES_DIR;
  const fs::path kernel = examples / "cuda" / "kernels" / "sgemm.cu";
  CompileGroup group;
  group.standard = "17";
  group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
  group.includes.push_back({(examples / "cuda" / "kernels").string(), false});
  auto args = clang_args(group, Language::cuda, *env);
  REQUIRE(args);
  ScanRequest request;
  request.target = "examples";
  request.sources.push_back({kernel, Language::cuda, *args});
  ParseOptions options;
  options.jobs = 1;
  options.work_dir = dir / "work";
  TargetScan scan = scan_target(request, options);
  REQUIRE(scan.find("sgemm"));
  const Unit original = *scan.find("sgemm");
  auto answer = variant::parse_answer(*util::read_file(examples / "cuda" / "scripted" / "sgemm.md"),
                                      original.kernel.function);
  REQUIRE(answer);
  variant::Spliced s = variant::splice({*util::read_file(kernel), original.kernel.begin,
                                        original.kernel.end, answer->code, kernel.string(), "v.cu"});
  fs::path patched = dir.write("build/sgemm.cu", s.text);
  VariantCheck c = check_variant(request, options, original, {patched, s.code_begin, s.code_end});
  INFO(joined(c));
  CHECK(c.rejections.empty());
  REQUIRE(c.unit);
  std::vector<std::string> names;
  for (const auto& p : c.unit->params) names.push_back(p.name);
  CHECK_THAT(names, Catch::VectorContains(std::string("STAGES")));
  CHECK_THAT(names, Catch::VectorContains(std::string("GROUP")));
}

TEST_CASE("variant check: the patched file takes the original's place in the scan",
          "[analyzers][variant]") {
  ScanRequest request;
  request.sources.push_back({"/p/a.cpp", Language::cxx, {"-DA"}});
  request.sources.push_back({"/p/b.cu", Language::cuda, {"-DB"}});
  request.harnesses.push_back({"/p/h.cpp", Language::cxx, {"-DH"}});
  ScanRequest source = with_source_replaced(request, "/p/./a.cpp", "/b/a.cpp");
  REQUIRE(source.sources.size() == 2);
  CHECK(source.sources[0].file == "/b/a.cpp");
  CHECK(source.sources[0].args == std::vector<std::string>{"-DA"});
  CHECK(source.sources[1].file == "/p/b.cu");
  CHECK(source.harnesses[0].file == "/p/h.cpp");
  // A kernel in a header: its patched copy is parsed on its own, like a source of its language.
  ScanRequest header = with_source_replaced(request, "/p/k.cuh", "/b/k.cu");
  REQUIRE(header.sources.size() == 3);
  CHECK(header.sources[2].file == "/b/k.cu");
  CHECK(header.sources[2].language == Language::cuda);
  CHECK(header.sources[2].args == std::vector<std::string>{"-DB"});
}

TEST_CASE("variant check: a huge variant full of red flags ends with its reasons capped",
          "[analyzers][variant]") {
  std::string body;
  for (int i = 0; i < 20000; ++i)
    body += "  std::printf(\"x\"); static int s" + std::to_string(i) + ";\n";
  Checker& c = checker();
  // In a child with a generous alarm: a check that went quadratic would hang, not pass.
  int status = test::in_child(
      [&] {
        VariantCheck result = c.check(variant_with(body));
        bool capped = result.rejections.size() == 21 &&
                      result.rejections.back() == "... and 39980 more" &&
                      result.rejections.front() == "line 3: does I/O (printf)";
        return capped && !result.unit ? 0 : 1;
      },
      120);
  CHECK(status == 0);
}

namespace {

// Variants of fixtures/variant/matmul.cpp that pass, are refused in the AST, in the text, in
// the scan, or do not parse.
std::vector<std::string> mixed_variants() {
  return {variant_with(""),
          variant_with("  std::thread t([] {});\n  t.join();\n"),
          "#include <cmath>\n#define TILE 32\n" + variant_with("  (void)std::sqrt(TILE);\n"),
          variant_with("  static int calls = 0;\n  ++calls;\n"),
          "#include <iostream>\n" + variant_with(""),
          k_marker + "void matmul(const float* a, const float* b, float* c, long n) {\n" + k_loop +
              "}\n",
          variant_with("  for (int i = 0; i < n ++i) {}\n"),
          "KEVOLVE_TUNE(matmul, \"UNROLL: 1, 2; BLOCK: 8, 16\")\n" + k_head +
              "  constexpr int block = KEVOLVE_PARAM(matmul, BLOCK, 8);\n  (void)block;\n" +
              k_loop + "}\n",
          variant_with("  LOG_VALUE(c[0]);\n"),
          k_head + k_loop + "}\n",
          variant_with("")};
}

// `code` spliced into `source` (the unit `original`) and written under `dir`.
VariantSource write_variant(test::TempDir& dir, const std::string& name, const std::string& source,
                            const Unit& original, const fs::path& kernel, const std::string& code) {
  variant::Spliced s = variant::splice(
      {source, original.kernel.begin, original.kernel.end, code, kernel.string(), name + ".cpp"});
  fs::path patched = dir.write(name + "/" + kernel.filename().string(), s.text);
  return {patched, s.code_begin, s.code_end};
}

void same_results(const VariantCheck& kept, const VariantCheck& fresh) {
  CHECK(joined(kept) == joined(fresh));
  REQUIRE(kept.unit.has_value() == fresh.unit.has_value());
  if (!fresh.unit) return;
  CHECK(kept.unit->space == fresh.unit->space);
  CHECK(kept.unit->hash == fresh.unit->hash);
  CHECK(kept.unit->kernel_hash == fresh.unit->kernel_hash);
  CHECK(kept.unit->kernel.name == fresh.unit->kernel.name);
  CHECK(kept.unit->kernel.begin == fresh.unit->kernel.begin);
  CHECK(kept.unit->kernel.end == fresh.unit->kernel.end);
  CHECK(kept.unit->marker == fresh.unit->marker);
  REQUIRE(kept.unit->params.size() == fresh.unit->params.size());
  for (std::size_t i = 0; i < fresh.unit->params.size(); ++i) {
    CHECK(kept.unit->params[i].name == fresh.unit->params[i].name);
    CHECK(kept.unit->params[i].default_text == fresh.unit->params[i].default_text);
    CHECK(kept.unit->params[i].uses == fresh.unit->params[i].uses);
  }
}

// Every variant through one VariantChecker (each at its own path, as a tune writes them) and
// through check_variant: the same reasons, the same unit.
void kept_like_fresh(const ScanRequest& request, const ParseOptions& options, const Unit& original,
                     const fs::path& kernel) {
  test::TempDir dir;
  std::string source = *util::read_file(kernel);
  VariantChecker checker(request, options);
  std::vector<std::string> variants = mixed_variants();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    INFO(variants[i]);
    VariantSource v = write_variant(dir, fmt::format("v{}", i), source, original, kernel,
                                    variants[i]);
    VariantCheck kept = checker.check(original, v);
    CHECK(checker.warm());  // the next variant reparses
    VariantCheck fresh = check_variant(request, options, original, v);
    INFO(joined(fresh));
    same_results(kept, fresh);
  }
}

}  // namespace

TEST_CASE("variant check: a VariantChecker reparses and finds what check_variant finds",
          "[analyzers][variant]") {
  Checker& c = checker();
  kept_like_fresh(c.request, c.options, c.original, k_kernel);
}

TEST_CASE("variant check: a VariantChecker on a kernel after includes only",
          "[analyzers][variant]") {
  // Only directives before the kernel: libclang's preamble would reach into the variant but for
  // the line marker the checker writes; a macro with a parameter use defined there too.
  Checker& c = checker();
  test::TempDir dir;
  std::string source = *util::read_file(k_kernel);
  std::size_t kernel_at = source.find("KEVOLVE_TUNE(matmul");
  std::string text = "#include <kevolve/kevolve.hpp>\n#include <cstdio>\n#include <thread>\n"
                     "#define LOG_VALUE(x) std::printf(\"%f\\n\", static_cast<double>(x))\n"
                     "#define UNROLL_OF_MATMUL KEVOLVE_PARAM(matmul, UNROLL, 1)\n#define scale(x) (x)\n\n" +
                     source.substr(kernel_at, source.find("\n}\n", kernel_at) + 3 - kernel_at);
  fs::path kernel = dir.write("src/matmul.cpp", text);
  ScanRequest request = c.request;
  request.sources.front().file = kernel;
  TargetScan scan = scan_target(request, c.options);
  INFO((scan.problems.empty() ? "" : scan.problems.front().message));
  REQUIRE(scan.errors() == 0);
  REQUIRE(scan.find("matmul"));
  kept_like_fresh(request, c.options, *scan.find("matmul"), kernel);
}

TEST_CASE("variant check: a VariantChecker starts over for another unit or file",
          "[analyzers][variant]") {
  Checker& c = checker();
  test::TempDir dir;
  VariantChecker checker(c.request, c.options);
  VariantSource v = write_variant(dir, "a", c.source, c.original, k_kernel, variant_with(""));
  CHECK(checker.check(c.original, v).unit);
  // A patched file not written by the splice (no #line before the variant): checked in full.
  dir.write("b/matmul.cpp", variant_with(""));
  VariantCheck whole =
      checker.check(c.original, {dir / "b" / "matmul.cpp", 0, variant_with("").size()});
  VariantCheck fresh =
      check_variant(c.request, c.options, c.original, {dir / "b" / "matmul.cpp", 0,
                                                        variant_with("").size()});
  same_results(whole, fresh);
  CHECK_FALSE(checker.warm());
  // An unreadable range is refused, as check_variant refuses it.
  VariantCheck bad = checker.check(c.original, {dir / "missing.cpp", 0, 1});
  REQUIRE(bad.rejections.size() == 1);
  CHECK_THAT(bad.rejections.front(), Catch::Contains("cannot read the variant's range"));
}
