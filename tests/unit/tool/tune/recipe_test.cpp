#include "tool/tune/recipe.hpp"

#include "backends/install_paths.hpp"

#include <catch2/catch.hpp>

namespace an = kevolve::analyzers;
namespace be = kevolve::backends;
using kevolve::tune::make_recipe;

namespace {

// A CUDA target with one compiled kernel source and one compiled harness; kernels.cuh is a
// header of both.
struct Fixture {
  an::BuildInfo build;
  an::Target target;
  an::Unit unit;
  be::Device device;

  Fixture() {
    build.build_dir = "/b";
    build.toolchains["CUDA"] = {"CUDA", "/usr/local/cuda/bin/nvcc", "NVIDIA", "13.0", {}};
    target.name = "app";
    an::CompileGroup group;
    group.language = "CUDA";
    group.fragments = {"-O3"};
    target.groups.push_back(group);
    target.sources = {{"/s/conv.cu", "CUDA", 0}, {"/s/conv_bench.cu", "CUDA", 0}};
    unit.name = "conv";
    unit.kernel.name.file = "/s/conv.cu";
    unit.harness = an::Position{"/s/conv_bench.cu", 3, 1, 0};
    unit.params.push_back({"BX", {}, "16", {}, {{"/s/conv.cu", 5, 1, 0}}});
    device.backend = be::Backend::cuda;
    device.arch = "sm_90";
  }
  be::CandidateRecipe recipe() const {
    auto r = make_recipe(build, target, unit, device);
    REQUIRE(r);
    return *r;
  }
};

}  // namespace

TEST_CASE("recipe: the kernel source, then the harness, for the device's architecture") {
  Fixture f;
  be::CandidateRecipe r = f.recipe();
  REQUIRE(r.sources.size() == 2);
  CHECK(r.sources[0].path == "/s/conv.cu");
  CHECK(r.sources[1].path == "/s/conv_bench.cu");
  CHECK(r.gpu_arch == "sm_90a");
  CHECK(r.compiler == "/usr/local/cuda/bin/nvcc");
}

TEST_CASE("recipe: a harness that cannot see a parameter is built once") {
  Fixture f;
  CHECK_FALSE(f.recipe().harness_reads_params);

  SECTION("a parameter read in the harness") {
    f.unit.params[0].uses.push_back({"/s/conv_bench.cu", 9, 1, 0});
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("a parameter read in a header, which the harness may include") {
    f.unit.params[0].uses.push_back({"/s/kernels.cuh", 9, 1, 0});
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("a kernel defined in a header") {
    f.unit.kernel.name.file = "/s/kernels.cuh";
    CHECK(f.recipe().harness_reads_params);
  }
  SECTION("parameters injected as plain macros") {
    f.unit.inject = kevolve::space::InjectMode::macros;
    CHECK(f.recipe().harness_reads_params);
  }
}

TEST_CASE("recipe: the platform's architecture and libraries") {
  Fixture f;
  CHECK(f.recipe().link_flags.empty());

  SECTION("an Ampere GPU has no architecture-specific features") {
    f.device.arch = "sm_80";
    CHECK(f.recipe().gpu_arch == "sm_80");
  }
  SECTION("the CPU links Google Benchmark and threads, for no GPU architecture") {
    f.build.toolchains["CXX"] = {"CXX", "/usr/bin/g++", "GNU", "12.2", {}};
    f.device.backend = be::Backend::cpu;
    f.device.arch = "x86_64";
    be::CandidateRecipe r = f.recipe();
    CHECK(r.gpu_arch.empty());
    CHECK(r.link_flags == std::vector<std::string>{be::benchmark_library(), "-lpthread"});
  }
}
