#include "analyzers/file_api.hpp"

#include "util/process.hpp"

#include <catch2/catch.hpp>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::analyzers;

namespace {

namespace fs = std::filesystem;

void write_project(const test::TempDir& dir) {
  dir.write("src/CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.20)
project(demo LANGUAGES CXX)
add_subdirectory(lib)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE kernels m)
)");
  dir.write("src/main.cpp", "int run(); int main() { return run(); }\n");
  dir.write("src/lib/CMakeLists.txt", R"(add_library(kernels STATIC kernels.cpp kernels.hpp)
target_include_directories(kernels PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_include_directories(kernels SYSTEM PRIVATE /opt/vendor)
target_compile_definitions(kernels PRIVATE FAST=1 PLAIN)
set_target_properties(kernels PROPERTIES CXX_STANDARD 20)
target_compile_options(kernels PRIVATE -O3 -march=x86-64)
)");
  dir.write("src/lib/kernels.hpp", "int run();\n");
  dir.write("src/lib/kernels.cpp", "#include \"kernels.hpp\"\nint run() { return 0; }\n");
}

void configure(const test::TempDir& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {CMAKE_COMMAND, "-S", (dir / "src").string(), "-B",
                                   (dir / "build").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto result = util::run_process(argv);
  REQUIRE(result);
  INFO(result->output);
  REQUIRE(result->ok());
}

}  // namespace

TEST_CASE("file api: targets, sources, flags and toolchains of a build", "[analyzers][file_api]") {
  test::TempDir dir;
  write_project(dir);
  configure(dir);  // before kevolve's query exists: reading must configure again by itself
  auto build = read_build(dir / "build");
  REQUIRE(build);
  CHECK(fs::exists(dir / "build/.cmake/api/v1/query/client-kevolve/query.json"));
  CHECK(build->source_dir == (dir / "src").lexically_normal());

  const Target* kernels = build->find_target("kernels");
  REQUIRE(kernels);
  CHECK(kernels->type == "STATIC_LIBRARY");
  REQUIRE(kernels->sources.size() == 1);  // the header has no compile group
  CHECK(kernels->sources[0].path == dir / "src/lib/kernels.cpp");
  CHECK(kernels->sources[0].language == "CXX");
  const CompileGroup& g = kernels->groups.at(0);
  CHECK(std::find(g.defines.begin(), g.defines.end(), "FAST=1") != g.defines.end());
  CHECK(std::find(g.defines.begin(), g.defines.end(), "PLAIN") != g.defines.end());
  CHECK(g.standard == "20");
  CHECK(std::find(g.fragments.begin(), g.fragments.end(), "-O3") != g.fragments.end());
  bool vendor_system = false;
  for (const IncludeDir& inc : g.includes) vendor_system |= inc.path == "/opt/vendor" && inc.system;
  CHECK(vendor_system);

  const Target* app = build->find_target("app");
  REQUIRE(app);
  CHECK(app->type == "EXECUTABLE");
  // What a candidate of the library links (docs/cmake.md, "Kernels in a library").
  CHECK(app->dependencies == std::vector<std::string>{"kernels"});
  CHECK(app->link_libraries == std::vector<std::string>{"lib/libkernels.a", "-lm"});
  CHECK(kernels->link_libraries.empty());  // a static library has no link
  CHECK(kernels->artifacts == std::vector<fs::path>{dir / "build/lib/libkernels.a"});

  const Toolchain* cxx = build->toolchain("CXX");
  REQUIRE(cxx);
  CHECK_FALSE(cxx->compiler.empty());
  CHECK_FALSE(cxx->version.empty());
  CHECK_FALSE(cxx->implicit_includes.empty());
  CHECK(build->cache_value("CMAKE_PROJECT_NAME") == "demo");
}

TEST_CASE("file api: multi-config generators pick a configuration", "[analyzers][file_api]") {
  auto ninja = util::run_process({"ninja", "--version"});
  if (!ninja || !ninja->ok()) KEVOLVE_SKIP("ninja not found");
  test::TempDir dir;
  write_project(dir);
  configure(dir, {"-G", "Ninja Multi-Config"});
  FileApiOptions options;
  options.configuration = "Release";
  auto release = read_build(dir / "build", options);
  REQUIRE(release);
  CHECK(release->configuration == "Release");
  options.configuration = "Fast";
  auto none = read_build(dir / "build", options);
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("no configuration 'Fast'"));
  CHECK_THAT(none.error(), Catch::Contains("Debug"));
}

TEST_CASE("file api: not a build directory", "[analyzers][file_api]") {
  test::TempDir dir;
  auto none = read_build(dir / "nowhere");
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("no such directory"));
  dir.write("plain/file.txt", "x");
  auto plain = read_build(dir / "plain");
  REQUIRE_FALSE(plain);
  CHECK_THAT(plain.error(), Catch::Contains("is not a CMake build directory (no CMakeCache.txt)"));
}

TEST_CASE("file api: a configure that fails is reported with its output", "[analyzers][file_api]") {
  test::TempDir dir;
  write_project(dir);
  configure(dir);
  dir.write("src/CMakeLists.txt",
            "cmake_minimum_required(VERSION 3.20)\nproject(demo CXX)\nmessage(FATAL_ERROR \"broken "
            "on purpose\")\n");
  auto build = read_build(dir / "build");  // no reply for kevolve yet: configures, which fails
  REQUIRE_FALSE(build);
  CHECK_THAT(build.error(), Catch::Contains("configuring"));
  CHECK_THAT(build.error(), Catch::Contains("broken on purpose"));
}
