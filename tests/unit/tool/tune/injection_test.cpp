#include "tool/tune/injection.hpp"

#include "temp_dir.hpp"
#include "tool/tune/fake_candidates.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace kevolve;

TEST_CASE("the injected defines have the form kevolve.hpp expects", "[injection]") {
  knowledge::ParamValues params = {{"BLOCK", space::Value(std::int64_t{128})},
                                   {"LAYOUT", space::Value(std::string("row"))}};
  CHECK(*tune::injected_defines("saxpy", space::InjectMode::param, params) ==
        "#define KEVOLVE_TUNED_saxpy_BLOCK ~, 128\n#define KEVOLVE_TUNED_saxpy_LAYOUT ~, row\n");
  CHECK(*tune::injected_defines("saxpy", space::InjectMode::macros, params) ==
        "#define BLOCK 128\n#define LAYOUT row\n");
}

TEST_CASE("the renderer writes a point of the space from the space's own text", "[injection]") {
  const char* text = "BLOCK: 64, 128, 256; T: float, double; require BLOCK < 256";
  space::Space s = test::space_of(text);
  CHECK(*tune::render_unit(test::unit_with("k", text, {}), s, {1, 1}) ==
        "#define KEVOLVE_TUNED_k_BLOCK ~, 128\n#define KEVOLVE_TUNED_k_T ~, double\n");
  const char* macros_text = "inject: macros; block_size_x: -1, 0x20";
  space::Space macros = test::space_of(macros_text);
  analyzers::Unit unit = test::unit_with("k", macros_text, {});
  unit.inject = space::InjectMode::macros;
  CHECK(*tune::render_unit(unit, macros, {0}) == "#define block_size_x -1\n");
  CHECK(*tune::render_unit(unit, macros, {1}) == "#define block_size_x 32\n");
}

TEST_CASE("the renderer refuses anything but a point of the space", "[injection][hostile]") {
  const char* text = "BLOCK: 64, 128, 256; T: float, double; require BLOCK < 256";
  space::Space s = test::space_of(text);
  analyzers::Unit k = test::unit_with("k", text, {});
  analyzers::Unit odd = test::unit_with("k\n#include <x>", text, {});
  auto refuses = [](const util::Expected<std::string>& text, const std::string& why) {
    REQUIRE_FALSE(text);
    CHECK_THAT(text.error(), Catch::Contains(why));
  };
  refuses(tune::render_unit(k, s, {2, 0}), "BLOCK=256 T=float is not a point of the space");
  refuses(tune::render_unit(k, s, {3, 0}), "value index 3 of parameter BLOCK is out of range");
  refuses(tune::render_unit(k, s, {0}), "a point of 1 values for a space of 2 parameters");
  refuses(tune::render_unit(odd, s, {0, 0}), "unit name 'k\\x0a#include <x>'");
}

TEST_CASE("the define writer refuses text that is not an identifier or an integer",
          "[injection][hostile]") {
  auto refuses = [](const knowledge::ParamValues& params, const std::string& why) {
    for (auto mode : {space::InjectMode::param, space::InjectMode::macros}) {
      auto text = tune::injected_defines("k", mode, params);
      REQUIRE_FALSE(text);
      CHECK_THAT(text.error(), Catch::Contains(why));
    }
  };
  using space::Value;
  refuses({{"X", Value(std::string("16\n#include <cstdlib>"))}},
          "the value '16\\x0a#include <cstdlib>' of X is neither an integer nor an identifier");
  refuses({{"#include </etc/passwd>", Value(std::int64_t{1})}},
          "parameter name '#include </etc/passwd>' is not an identifier");
  refuses({{"X", Value(std::string("long double"))}}, "the value 'long double' of X");
  refuses({{"X", Value(std::string(""))}}, "the value '' of X");
  refuses({{"X", Value(std::string("1"))}}, "the value '1' of X");
  refuses({{"", Value(std::int64_t{1})}}, "parameter name '' is not an identifier");
  refuses({{"X\r", Value(std::int64_t{1})}}, "parameter name 'X\\x0d'");
  refuses({{"X", Value(std::string("a\\"))}}, "the value 'a\\\\' of X");
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
  CHECK(compile_and_run(*tune::injected_defines("saxpy", space::InjectMode::param, params)) ==
        "64 7\n");
  CHECK(compile_and_run("// nothing injected\n") == "256 7\n");
}
