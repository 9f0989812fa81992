// Scanning targets of several sources: what a shared header contributes is counted once,
// disagreements between files are found, a file that does not parse leaves the others
// scanned, and the CUDA prelude is built once, reused and rebuilt when it goes bad.

#include "analyzers/scan.hpp"

#include <catch2/catch.hpp>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::analyzers;

namespace {

ScanRequest request_for(const test::TempDir& dir, const std::vector<std::string>& files) {
  auto env = make_environment(nullptr, dir / "work");
  REQUIRE(env);
  CompileGroup group;
  group.standard = "17";
  group.includes.push_back({KEVOLVE_INCLUDE_DIR, false});
  ScanRequest request;
  request.target = "test";
  for (const std::string& f : files) {
    Language language = *language_of_file(f);
    auto args = clang_args(group, language, *env);
    REQUIRE(args);
    request.sources.push_back({dir / f, language, *args});
  }
  return request;
}

ParseOptions options_for(const test::TempDir& dir) {
  ParseOptions o;
  o.jobs = 2;
  o.work_dir = dir / "work";
  return o;
}

constexpr const char* k_header = R"(#pragma once
#include <kevolve/kevolve.hpp>
KEVOLVE_TUNE(shared, "N: 1, 2, 4")
inline int shared_kernel() { return KEVOLVE_PARAM(shared, N, 2); }
KEVOLVE_BENCH(shared, b) { (void)b; }
)";

}  // namespace

TEST_CASE("scan: a unit in a header seen by two sources is one unit", "[analyzers][scan]") {
  test::TempDir dir;
  dir.write("shared.hpp", k_header);
  dir.write("a.cpp", "#include \"shared.hpp\"\nint a() { return shared_kernel(); }\n");
  dir.write("b.cpp",
            "#include \"shared.hpp\"\nint b() { return shared_kernel() + KEVOLVE_PARAM(shared, N, "
            "2); }\n");
  TargetScan scan = scan_target(request_for(dir, {"a.cpp", "b.cpp"}), options_for(dir));
  INFO(scan.problems.size() << " problems");
  CHECK(scan.problems.empty());
  REQUIRE(scan.units.size() == 1);
  const Unit& u = scan.units[0];
  CHECK(u.kernel.name.file == (dir / "shared.hpp").string());
  REQUIRE(u.params.size() == 1);
  CHECK(u.params[0].uses.size() == 2);  // the header's use once, b.cpp's once
  CHECK(u.harness);
}

TEST_CASE("scan: defaults that differ between files", "[analyzers][scan]") {
  test::TempDir dir;
  dir.write("shared.hpp", k_header);
  dir.write("a.cpp", "#include \"shared.hpp\"\nint a() { return KEVOLVE_PARAM(shared, N, 4); }\n");
  TargetScan scan = scan_target(request_for(dir, {"a.cpp"}), options_for(dir));
  REQUIRE(scan.errors() == 1);
  const Problem& p = scan.problems.front();
  // Reported at one use, naming the other: both positions appear.
  std::string a = (dir / "a.cpp").string() + ":2";
  std::string header = (dir / "shared.hpp").string() + ":4";
  std::string here = p.where.file + ":" + std::to_string(p.where.line);
  CHECK((here == a || here == header));
  CHECK_THAT(p.message, Catch::Contains("parameter 'N' of unit 'shared' has default"));
  CHECK_THAT(p.message, Catch::Contains(here == a ? header : a));
}

TEST_CASE("scan: a source that does not parse leaves the others scanned", "[analyzers][scan]") {
  test::TempDir dir;
  dir.write("good.cpp",
            "#include <kevolve/kevolve.hpp>\nKEVOLVE_TUNE(good, \"A: 1, 2\")\n"
            "int good_kernel() { return KEVOLVE_PARAM(good, A, 1); }\nKEVOLVE_BENCH(good, b) { "
            "(void)b; }\n");
  dir.write("bad.cpp", "#include \"missing.hpp\"\nint f( { return 0; }\n");
  TargetScan scan = scan_target(request_for(dir, {"bad.cpp", "good.cpp"}), options_for(dir));
  CHECK(scan.find("good"));
  REQUIRE(scan.errors() == 1);
  const Problem& p = scan.problems.front();
  CHECK(p.where.file == (dir / "bad.cpp").string());
  CHECK(p.where.line == 1);
  CHECK_THAT(p.message, Catch::Contains("'missing.hpp' file not found"));
}

TEST_CASE("scan: the content hash follows kernel, space and harness", "[analyzers][scan]") {
  test::TempDir dir;
  auto hash_with = [&](const std::string& kernel, const std::string& space,
                       const std::string& harness) {
    dir.write("k.cpp", "#include <kevolve/kevolve.hpp>\nKEVOLVE_TUNE(h, \"" + space +
                           "\")\nint h_kernel() { return " + kernel +
                           " * KEVOLVE_PARAM(h, A, 1); }\nKEVOLVE_BENCH(h, b) { " + harness +
                           " }\n");
    TargetScan scan = scan_target(request_for(dir, {"k.cpp"}), options_for(dir));
    REQUIRE(scan.find("h"));
    return scan.find("h")->hash;
  };
  std::string base = hash_with("1", "A: 1, 2", "(void)b;");
  CHECK(hash_with("1", "A: 1, 2", "(void)b;") == base);
  CHECK(hash_with("2", "A: 1, 2", "(void)b;") != base);
  CHECK(hash_with("1", "A: 1, 2, 4", "(void)b;") != base);
  CHECK(hash_with("1", "A: 1, 2", "(void)b; (void)b;") != base);
}

TEST_CASE("scan: the CUDA prelude is built once, reused, and rebuilt when stale",
          "[analyzers][scan]") {
  test::TempDir dir;
  // The scanner's own search for the toolkit (CUDA_PATH, /usr/local/cuda).
  auto env = make_environment(nullptr, dir / "work");
  REQUIRE(env);
  if (env->cuda_path.empty()) KEVOLVE_SKIP("no CUDA toolkit here");
  for (int i = 0; i < 3; ++i) {
    dir.write(
        "k" + std::to_string(i) + ".cu",
        "#include <kevolve/kevolve.hpp>\nKEVOLVE_TUNE(u" + std::to_string(i) +
            ", \"B: 32, 64\")\n__global__ void k(float* x) { x[threadIdx.x] = KEVOLVE_PARAM(u" +
            std::to_string(i) + ", B, 32); }\n");
  }
  ScanRequest request = request_for(dir, {"k0.cu", "k1.cu", "k2.cu"});
  TargetScan first = scan_target(request, options_for(dir));
  CHECK(first.units.size() == 3);
  CHECK(first.errors() == 0);
  CHECK(first.stats.preludes_built == 1);

  TargetScan second = scan_target(request, options_for(dir));
  CHECK(second.stats.preludes_built == 0);
  CHECK(second.stats.preludes_reused == 1);
  CHECK(second.units.size() == 3);

  for (const auto& entry : std::filesystem::directory_iterator(dir / "work")) {
    if (entry.path().extension() == ".pch")
      dir.write(std::filesystem::relative(entry.path(), dir.path()).string(), "garbage");
  }
  TargetScan third = scan_target(request, options_for(dir));
  CHECK(third.errors() == 0);
  CHECK(third.units.size() == 3);
  CHECK(third.stats.preludes_built == 1);  // rebuilt once
}

TEST_CASE("scan: a space nested 5,000 deep is an error at its file:line:col", "[analyzers][scan]") {
  // It overflowed the stack of scan, status and tune (issue 17).
  const std::string space =
      "A: 1..4; require " + std::string(5000, '(') + "A" + std::string(5000, ')') + " > 1";
  const std::string line = "KEVOLVE_TUNE(deep, \"" + space + "\")";
  test::TempDir dir;
  dir.write("deep.cpp", "#include <kevolve/kevolve.hpp>\n" + line +
                            "\nint deep_kernel() { return KEVOLVE_PARAM(deep, A, 1); }\n");
  TargetScan scan = scan_target(request_for(dir, {"deep.cpp"}), options_for(dir));
  CHECK_FALSE(scan.find("deep"));
  REQUIRE(scan.errors() == 1);
  const Problem& p = scan.problems.front();
  CHECK(p.where.file == (dir / "deep.cpp").string());
  CHECK(p.where.line == 2);
  // The first parenthesis too many: the 101st.
  CHECK(p.where.column == static_cast<unsigned>(line.find('(', line.find("require")) + 100 + 1));
  CHECK_THAT(p.message, Catch::Contains("in the space of unit 'deep': the condition is nested "
                                        "deeper than 100 levels"));
}

// Per-source injection (docs/cmake.md, "What is injected where"): which units each source's
// translation unit reaches decides which winners its compile reads.
TEST_CASE("scan: the units each source reaches", "[analyzers][scan][reach]") {
  test::TempDir dir;
  dir.write("shared.hpp", k_header);
  dir.write("own.cpp", R"(#include <kevolve/kevolve.hpp>
KEVOLVE_TUNE(own, "M: 1, 2")
int own_kernel() { return KEVOLVE_PARAM(own, M, 1); }
KEVOLVE_BENCH(own, b) { (void)b; }
)");
  dir.write("a.cpp", "#include \"shared.hpp\"\nint a() { return shared_kernel(); }\n");
  dir.write("reads.cpp",
            "#include <kevolve/kevolve.hpp>\nint reads() { return KEVOLVE_PARAM(own, M, 1); }\n");
  dir.write("plain.cpp", "#include <kevolve/kevolve.hpp>\nint plain() { return 0; }\n");
  TargetScan scan = scan_target(request_for(dir, {"own.cpp", "a.cpp", "reads.cpp", "plain.cpp"}),
                                options_for(dir));
  INFO(scan.problems.size() << " problems");
  CHECK(scan.errors() == 0);
  auto reached = [&](const std::string& file) {
    for (const SourceUnits& s : scan.reach) {
      if (s.file == (dir / file).string()) return s.units;
    }
    FAIL("no reach for " << file);
    return std::vector<std::string>{};
  };
  CHECK(reached("own.cpp") == std::vector<std::string>{"own"});
  CHECK(reached("a.cpp") == std::vector<std::string>{"shared"});  // its kernel is in a header
  CHECK(reached("reads.cpp") == std::vector<std::string>{"own"});  // host code reads M
  CHECK(reached("plain.cpp").empty());
}
