#include "tool/tune/build_check.hpp"

#include "backends/platform.hpp"

#include <catch2/catch.hpp>

using namespace kevolve;

namespace {

backends::CandidateRecipe recipe_with(backends::Backend backend, std::vector<std::string> flags) {
  backends::CandidateRecipe r;
  r.backend = backend;
  r.sources = {{"kernel.cpp", std::move(flags)}, {"bench.cpp", {"-O3"}}};
  return r;
}

knowledge::Wisdom wisdom_built(std::optional<bool> optimised) {
  knowledge::Wisdom w;
  if (optimised) w.device.extra["build"] = util::Json{{"optimised", *optimised}};
  return w;
}

}  // namespace

TEST_CASE("optimised: the last -O flag decides on the CPU, device debug code on GPUs", "[build]") {
  const auto& cpu = backends::platform_of(backends::Backend::cpu);
  CHECK(cpu.optimised({"-O2", "-DNDEBUG"}));
  CHECK(cpu.optimised({"-O0", "-O3"}));
  CHECK_FALSE(cpu.optimised({"-O3", "-O0"}));
  CHECK_FALSE(cpu.optimised({"-g"}));  // CMake's Debug: no -O at all
  const auto& cuda = backends::platform_of(backends::Backend::cuda);
  CHECK(cuda.optimised({}));  // nvcc optimises device code by default
  CHECK_FALSE(cuda.optimised({"-G", "-O3"}));
  CHECK(backends::last_optimisation_flag({"-O1", "-march=native", "-Os"}) == "-Os");
}

TEST_CASE("an unoptimised build never replaces an optimised winner", "[build]") {
  // Only the kernel's sources count: the harness is built with -O3 here.
  auto debug = tune::build_config(recipe_with(backends::Backend::cpu, {"-g"}), "Debug");
  auto release =
      tune::build_config(recipe_with(backends::Backend::cpu, {"-O3", "-DNDEBUG"}), "Release");

  CHECK(tune::check_build(release, wisdom_built(false)).refusal.empty());
  CHECK(tune::check_build(release, std::nullopt).warning.empty());

  auto over_release = tune::check_build(debug, wisdom_built(true));
  CHECK(over_release.refusal.find("not optimised (no -O flag)") != std::string::npos);
  // Wisdom from before builds were recorded counts as optimised.
  CHECK_FALSE(tune::check_build(debug, wisdom_built(std::nullopt)).refusal.empty());

  auto fresh = tune::check_build(debug, std::nullopt);
  CHECK(fresh.refusal.empty());
  CHECK(fresh.warning.find("not optimised") != std::string::npos);
  auto over_debug = tune::check_build(debug, wisdom_built(false));
  CHECK(over_debug.refusal.empty());
  CHECK_FALSE(over_debug.warning.empty());

  CHECK(tune::build_json(debug) == util::Json{{"optimised", false},
                                              {"optimisation", "none"},
                                              {"build_type", "Debug"},
                                              {"flags", util::Json::array()}});
  CHECK(tune::build_json(release) == util::Json{{"optimised", true},
                                                {"optimisation", "-O3"},
                                                {"build_type", "Release"},
                                                {"flags", {"-O3", "-DNDEBUG"}}});
}

TEST_CASE("the flags that change the generated code, and only those", "[build]") {
  CHECK(tune::code_generation_flags({"-O2", "-g", "-Wall", "-I/x", "-DFOO=1", "-DNDEBUG",
                                     "-std=c++17", "-fPIC", "-march=native", "-mtune=generic",
                                     "-mavx2", "-ffast-math", "-fopenmp", "-funroll-loops",
                                     "-flto=auto", "-MD", "-MF", "dep.d"}) ==
        std::vector<std::string>{"-O2", "-DNDEBUG", "-march=native", "-mtune=generic", "-mavx2",
                                 "-ffast-math", "-fopenmp", "-funroll-loops", "-flto=auto"});
  // nvcc: architectures and options with their values, fast math, host compiler options that
  // change code (and not those that do not).
  CHECK(tune::code_generation_flags({"--use_fast_math", "-arch", "sm_90", "--generate-code",
                                     "arch=compute_90,code=sm_90", "-Xptxas", "-O3",
                                     "-Xcompiler", "-fopenmp,-Wall", "-Xcompiler", "-Wextra",
                                     "-lineinfo", "-G", "--maxrregcount", "64", "-ftz=true"}) ==
        std::vector<std::string>{"--use_fast_math", "-arch", "sm_90", "--generate-code",
                                 "arch=compute_90,code=sm_90", "-Xptxas", "-O3", "-Xcompiler",
                                 "-fopenmp,-Wall", "-G", "--maxrregcount", "64", "-ftz=true"});
}

TEST_CASE("a winner applies to the build configuration it was measured in", "[build]") {
  auto recipe = recipe_with(backends::Backend::cpu, {"-O3", "-march=native", "-Iinclude"});
  recipe.compiler_version = "GNU 12.2.0";
  tune::BuildConfig measured = tune::build_config(recipe, "Release");
  knowledge::Wisdom w;
  w.device.compiler = measured.compiler;
  w.device.extra["build"] = tune::build_json(measured);
  CHECK(tune::build_changes(w, measured).empty());

  // An include path or a warning changes nothing that was measured.
  auto same = recipe;
  same.sources[0].flags.push_back("-Wall");
  CHECK(tune::build_changes(w, tune::build_config(same, "Release")).empty());
  CHECK(tune::build_config(same, "Release").key() == measured.key());

  auto other = recipe;
  other.compiler_version = "Clang 16.0.6";
  other.sources[0].flags = {"-O2"};
  std::vector<std::string> changes = tune::build_changes(w, tune::build_config(other, "Debug"));
  REQUIRE(changes.size() == 3);
  CHECK(changes[0] == "compiler GNU 12.2.0 -> Clang 16.0.6");
  CHECK(changes[1] == "build type Release -> Debug");
  CHECK(changes[2] == "flags -O3 -march=native -> -O2");
  CHECK(tune::build_config(other, "Debug").key() != measured.key());

  // Wisdom written before builds were recorded: only its compiler can be compared.
  knowledge::Wisdom old;
  old.device.compiler = "GNU 12.2.0";
  old.device.extra["build"] = util::Json{{"optimised", true}, {"optimisation", "-O3"}};
  CHECK(tune::build_changes(old, tune::build_config(other, "Debug")).size() == 1);
  old.device.extra.erase("build");
  CHECK(tune::build_changes(old, measured).empty());
}
