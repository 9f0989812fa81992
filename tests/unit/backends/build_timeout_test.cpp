#include "backends/build.hpp"

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace kevolve;

// A compiler that never finishes (here: sleeps far past the limit) is stopped at the compile
// timeout, and the build fails saying why, instead of blocking the tune.
TEST_CASE("a hung compiler is stopped at the compile timeout", "[build]") {
  test::TempDir dir;
  auto compiler = dir.write("hung-c++", "#!/bin/sh\nsleep 30\n");
  ::chmod(compiler.c_str(), 0755);
  backends::CandidateRecipe r;
  r.unit = "u";
  r.compiler = compiler.string();
  r.compiler_version = "hung 1";
  r.sources = {{dir.write("kernel.cpp", "int k() { return 1; }\n"), {}},
               {dir.write("bench.cpp", "int b() { return 2; }\n"), {}}};
  r.cache_dir = dir / "cache";
  r.work_dir = dir / "work";
  r.compile_timeout = std::chrono::milliseconds(500);
  backends::Build b = backends::build_candidate(r, "#define X 1\n", "c0");
  CHECK_FALSE(b.ok);
  INFO(b.log);
  CHECK(b.log.find("compile timeout") != std::string::npos);
  CHECK(b.log.find("timed out after") != std::string::npos);
}
