#include "tool/tune/injection.hpp"

#include "temp_dir.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace kevolve;

TEST_CASE("the injected defines have the form kevolve.hpp expects", "[injection]") {
  knowledge::ParamValues params = {{"BLOCK", space::Value(std::int64_t{128})},
                                   {"LAYOUT", space::Value(std::string("row"))}};
  CHECK(tune::injected_defines("saxpy", space::InjectMode::param, params) ==
        "#define KEVOLVE_TUNED_saxpy_BLOCK ~, 128\n#define KEVOLVE_TUNED_saxpy_LAYOUT ~, row\n");
  CHECK(tune::injected_defines("saxpy", space::InjectMode::macros, params) ==
        "#define BLOCK 128\n#define LAYOUT row\n");
}

// The contract itself: a use of KEVOLVE_PARAM compiled with the generated header picks the
// injected value, and the default without it.
TEST_CASE("KEVOLVE_PARAM picks the value the injected header gives", "[injection]") {
  test::TempDir dir;
  dir.write("main.cpp",
            "#include <kevolve/kevolve.hpp>\n#include <cstdio>\n"
            "template <int BLOCK = KEVOLVE_PARAM(saxpy, BLOCK, 256)> int block() { return BLOCK; }\n"
            "int main() { std::printf(\"%d %d\\n\", block<>(), KEVOLVE_PARAM(other, N, 7)); }\n");
  auto compile_and_run = [&](const std::string& header) {
    std::filesystem::create_directories(dir / "inc");
    std::ofstream(dir / "inc" / "kevolve_tuned.h") << header;
    auto built = util::run_process({"c++", "-std=c++17", "-I" + (dir / "inc").string(),
                                    "-I" KEVOLVE_INCLUDE_DIR, (dir / "main.cpp").string(), "-o",
                                    (dir / "main").string()});
    REQUIRE(built);
    INFO(built->output);
    REQUIRE(built->ok());
    auto ran = util::run_process({(dir / "main").string()});
    REQUIRE(ran);
    return ran->output;
  };
  knowledge::ParamValues params = {{"BLOCK", space::Value(std::int64_t{64})}};
  CHECK(compile_and_run(tune::injected_defines("saxpy", space::InjectMode::param, params)) ==
        "64 7\n");
  CHECK(compile_and_run("// nothing injected\n") == "256 7\n");
}
