// The generated main of CPU candidates is the same for every unit (templates/candidate_main.cpp):
// its object, the harness runtime, is compiled once per cache and shared by the units, each of
// which only adds the one-line file that names its harness (templates/candidate_unit.cpp).
#include "backends/build.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "temp_dir.hpp"

using namespace kevolve;
namespace fs = std::filesystem;

namespace {

backends::CandidateRecipe recipe_of(const test::TempDir& dir, const std::string& unit) {
  backends::CandidateRecipe r;
  r.unit = unit;
  r.compiler = "c++";
  r.compiler_version = "the system's c++";
  const std::vector<std::string> flags = {"-std=c++17", "-O1"};
  r.sources = {
      {dir.write(unit + ".cpp", "float " + unit + "(float x) { return 2 * x; }\n"), flags},
      {dir.write(unit + "_bench.cpp", "#include <kevolve/kevolve.hpp>\n"
                                      "float " + unit + "(float x);\n"
                                      "KEVOLVE_BENCH(" + unit + ", b) { (void)b; }\n"),
       flags}};
  r.main_flags = flags;
  r.link_flags = {"-lbenchmark", "-lpthread"};
  r.cache_dir = dir / "cache";
  r.work_dir = dir / ("work-" + unit);
  return r;
}

int objects_in(const fs::path& cache) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(cache / "objects"))
    count += entry.path().extension() == ".o";
  return count;
}

}  // namespace

TEST_CASE("the generated main is compiled once for all units of a cache", "[build]") {
  test::TempDir dir;
  backends::Build first = backends::build_candidate(recipe_of(dir, "alpha"), "", "c0");
  INFO(first.log);
  REQUIRE(first.ok);
  CHECK(objects_in(dir / "cache") == 4);  // alpha's kernel and harness, the main, alpha's name
  backends::Build second = backends::build_candidate(recipe_of(dir, "beta"), "", "c0");
  INFO(second.log);
  REQUIRE(second.ok);
  CHECK(objects_in(dir / "cache") == 7);  // beta's three; the main was there
  CHECK(first.executable != second.executable);
  CHECK(fs::exists(dir / "cache" / "entry" / "kevolve_main.cpp"));
  CHECK_FALSE(fs::exists(dir / "work-alpha" / "kevolve_main.cpp"));
  CHECK(fs::exists(dir / "work-beta" / "kevolve_unit.cpp"));
}
