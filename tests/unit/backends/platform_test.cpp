// Each backend's platform: the lookup, its defaults for evaluation, its flags and the
// architecture its candidates are built for. No compiler or device is needed.
#include "backends/platform.hpp"

#include "backends/install_paths.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace kevolve;
namespace be = kevolve::backends;

namespace {

be::Device device_of(be::Backend backend, const std::string& arch) {
  be::Device d;
  d.backend = backend;
  d.arch = arch;
  return d;
}

}  // namespace

TEST_CASE("platform: the lookup returns each backend's own object") {
  for (be::Backend b : {be::Backend::cpu, be::Backend::cuda, be::Backend::hip}) {
    CHECK(be::platform_of(b).backend() == b);
  }
  CHECK(&be::platform_of(be::Backend::cuda) == &be::cuda::platform());
  CHECK(&be::platform_of(be::Backend::cuda) != &be::platform_of(be::Backend::hip));
}

TEST_CASE("platform: a source's backend by its suffix") {
  CHECK(be::backend_of_source("/s/conv.cu") == be::Backend::cuda);
  CHECK(be::backend_of_source("kernels.cuh") == be::Backend::cuda);
  CHECK(be::backend_of_source("/s/conv.hip") == be::Backend::hip);
  CHECK(be::backend_of_source("/s/saxpy.cpp") == be::Backend::cpu);
  CHECK(be::backend_of_source("/s/saxpy.h") == be::Backend::cpu);
  CHECK(be::backend_of_source("/s/README") == be::Backend::cpu);
  CHECK(be::platform_of(be::Backend::cpu).generated_suffix() == ".cpp");
  CHECK(be::platform_of(be::Backend::cuda).generated_suffix() == ".cu");
  CHECK(be::platform_of(be::Backend::hip).generated_suffix() == ".hip");
}

TEST_CASE("platform: the CPU's evaluation: processes, Google Benchmark's repetitions") {
  const be::Platform& cpu = be::platform_of(be::Backend::cpu);
  CHECK(cpu.repetitions() == 5);
  CHECK_FALSE(cpu.warms_up());
  CHECK_FALSE(cpu.outputs_in_memory());
  CHECK(cpu.compares_before_timing());
  CHECK_FALSE(cpu.evaluates_while_building());
  CHECK(cpu.has_peaks());  // measured in kevolve's process (tests/cli/hw.bash runs it)
  CHECK(cpu.counts_in_harness());  // --profile: the counters request, no outside profiler
  CHECK(cpu.find_compiler().empty());

  be::CandidateRecipe recipe;
  auto launchers = cpu.launchers(recipe);
  REQUIRE(launchers);
  CHECK(dynamic_cast<be::ProcessLauncher*>(launchers->search.get()));
  CHECK(dynamic_cast<be::ProcessLauncher*>(launchers->fresh.get()));
}

TEST_CASE("platform: GPUs' evaluation: single timed runs, overlapped, with peaks") {
  for (be::Backend b : {be::Backend::cuda, be::Backend::hip}) {
    const be::Platform& gpu = be::platform_of(b);
    CHECK(gpu.repetitions() == 30);
    CHECK(gpu.warms_up());
    CHECK(gpu.outputs_in_memory());
    CHECK_FALSE(gpu.compares_before_timing());
    CHECK(gpu.evaluates_while_building());
    CHECK(gpu.has_peaks());
    CHECK(gpu.link_flags().empty());
    CHECK_FALSE(gpu.counts_in_harness());
  }
}

TEST_CASE("platform: the architecture candidates are built for and recorded") {
  const be::Platform& cuda = be::platform_of(be::Backend::cuda);
  CHECK(cuda.candidate_arch(device_of(be::Backend::cuda, "sm_90")) == "sm_90a");
  CHECK(cuda.candidate_arch(device_of(be::Backend::cuda, "sm_100")) == "sm_100a");
  CHECK(cuda.candidate_arch(device_of(be::Backend::cuda, "sm_80")) == "sm_80");
  const be::Platform& hip = be::platform_of(be::Backend::hip);
  CHECK(hip.candidate_arch(device_of(be::Backend::hip, "gfx90a")) == "gfx90a");
  const be::Platform& cpu = be::platform_of(be::Backend::cpu);
  CHECK(cpu.candidate_arch(device_of(be::Backend::cpu, "x86_64")).empty());

  be::CandidateRecipe recipe;
  recipe.gpu_arch = "sm_90a";
  CHECK(cuda.recorded_arch(device_of(be::Backend::cuda, "sm_90"), recipe) == "sm_90a");
  CHECK(cpu.recorded_arch(device_of(be::Backend::cpu, "x86_64"), {}) == "x86_64");
}

TEST_CASE("platform: flags for the architecture and the link") {
  const be::Platform& cuda = be::platform_of(be::Backend::cuda);
  CHECK(cuda.architecture_flags("sm_90a") ==
        std::vector<std::string>{"-gencode=arch=compute_90a,code=sm_90a"});
  CHECK(cuda.architecture_flags("").empty());
  CHECK(be::platform_of(be::Backend::hip).architecture_flags("gfx942") ==
        std::vector<std::string>{"--offload-arch=gfx942"});
  CHECK(be::platform_of(be::Backend::cpu).architecture_flags("x86_64").empty());
  CHECK(be::platform_of(be::Backend::cpu).link_flags() ==
        std::vector<std::string>{be::benchmark_library(), "-lpthread"});
}

TEST_CASE("platform: how candidates compile and link") {
  be::CompileStyle cpu = be::platform_of(be::Backend::cpu).compile_style("");
  CHECK(cpu.compile.empty());
  CHECK(cpu.entry_file == "kevolve_main.cpp");
  CHECK(cpu.artifact_suffix.empty());
  CHECK_FALSE(cpu.direct_keys);
  CHECK_FALSE(cpu.drops_target_architectures);

  be::CompileStyle cuda = be::platform_of(be::Backend::cuda).compile_style("sm_90a");
  CHECK(cuda.entry_file == "kevolve_entry.cu");
  CHECK(cuda.artifact_suffix == ".so");
  CHECK(cuda.compile.back() == "-gencode=arch=compute_90a,code=sm_90a");
  CHECK(cuda.link == std::vector<std::string>{"-shared", "-cudart", "shared",
                                              "-gencode=arch=compute_90a,code=sm_90a"});
  CHECK(cuda.runner_link == std::vector<std::string>{"-cudart", "shared"});
  CHECK(cuda.direct_keys);
  CHECK(cuda.drops_target_architectures);

  be::CompileStyle hip = be::platform_of(be::Backend::hip).compile_style("gfx90a");
  CHECK(hip.entry_file == "kevolve_entry.hip");
  CHECK(hip.link == std::vector<std::string>{"-shared", "--offload-arch=gfx90a"});
  CHECK(hip.runner_link.empty());
}

TEST_CASE("platform: why there is no profiler or no peaks") {
  be::CandidateRecipe recipe;
  auto hip = be::platform_of(be::Backend::hip).profiler(recipe);
  REQUIRE_FALSE(hip);
  CHECK(hip.error() == "only CUDA candidates are profiled (Nsight Compute)");
  // The CPU's candidates count their own hardware events: no outside profiler.
  auto cpu = be::platform_of(be::Backend::cpu).profiler(recipe);
  REQUIRE_FALSE(cpu);
  CHECK_THAT(cpu.error(), Catch::Contains("count their hardware events themselves"));
  auto no_compiler =
      be::platform_of(be::Backend::hip).measure_peaks(device_of(be::Backend::hip, "gfx90a"), "");
  REQUIRE_FALSE(no_compiler);
  CHECK(no_compiler.error() == "no HIP compiler found to build the probe (set HIPCXX)");
}

TEST_CASE("platform: a GPU compiler named by the environment comes first") {
  const char* before = std::getenv("CUDACXX");
  std::string saved = before ? before : "";
  ::setenv("CUDACXX", "/bin/sh", 1);  // any executable
  CHECK(be::platform_of(be::Backend::cuda).find_compiler() == "/bin/sh");
  ::setenv("CUDACXX", "/nonexistent/nvcc", 1);
  CHECK(be::platform_of(be::Backend::cuda).find_compiler() != "/nonexistent/nvcc");
  if (before) {
    ::setenv("CUDACXX", saved.c_str(), 1);
  } else {
    ::unsetenv("CUDACXX");
  }
}
