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
  auto debug = recipe_with(backends::Backend::cpu, {"-g"});
  auto release = recipe_with(backends::Backend::cpu, {"-O3", "-DNDEBUG"});

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

  CHECK(tune::build_json(debug) == util::Json{{"optimised", false}, {"optimisation", "none"}});
  CHECK(tune::build_json(release) == util::Json{{"optimised", true}, {"optimisation", "-O3"}});
}
