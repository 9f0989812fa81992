// The static checks of LLM-written variants, on fixtures/variant/matmul.cpp and its harness:
// one variant per red flag, each refused with its reason at its line of the variant, and a
// good variant (loop interchange, a new space) accepted as its unit.

#include "analyzers/variant_check.hpp"

#include "tool/variant/splice.hpp"
#include "util/files.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

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
      "#define TILE 32\n"
      "KEVOLVE_TUNE(matmul, \"UNROLL: 1, 2, 4; BLOCK: 16, 32, 64\")\n"
      "void matmul(const float* a, const float* b, float* c, int n) {\n"
      "  constexpr int unroll = KEVOLVE_PARAM(matmul, UNROLL, 1);\n"
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
  refused("void reference_matmul(const float*, const float*, float*, int);\n" +
              variant_with("  reference_matmul(a, b, c, n);\n  return;\n"),
          "line 4: calls reference_matmul, a function of the harness");
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
