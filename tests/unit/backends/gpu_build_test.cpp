// GPU candidates build without a GPU: nvcc for sm_90a, hipcc for gfx90a, each into a shared
// library with the protocol's entry point, and the runner that loads them. Skipped (CTest:
// "Skipped", see skip.hpp) where a compiler is absent; CI has both.
#include "backends/build.hpp"
#include "backends/device.hpp"
#include "backends/platform.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_kernel = R"(#include <kevolve/kevolve.hpp>
template <int BLOCK = KEVOLVE_PARAM(twice, BLOCK, 128)>
KEVOLVE_TUNE(twice, "BLOCK: 64..512 pow2")
__global__ void twice_kernel(const float* x, float* y, long n) {
  long i = static_cast<long>(blockIdx.x) * BLOCK + threadIdx.x;
  if (i < n) y[i] = 2.0f * x[i];
}
void twice(const float* x, float* y, long n, KEVOLVE_STREAM stream) {
  constexpr int b = KEVOLVE_PARAM(twice, BLOCK, 128);
  twice_kernel<b><<<(n + b - 1) / b, b, 0, stream>>>(x, y, n);
}
)";

constexpr const char* k_harness = R"(#include <kevolve/bench.hpp>
void twice(const float* x, float* y, long n, KEVOLVE_STREAM stream);
KEVOLVE_BENCH(twice, b) {
  const long n = b.size("n", {1 << 20});
  const float* x = b.input<float>("x", n);
  float* y = b.output<float>("y", n);
  b.traffic(8.0 * n);
  b.run([=, &b] { twice(x, y, n, b.stream()); });
}
)";

backends::CandidateRecipe recipe_for(const test::TempDir& dir, backends::Backend backend,
                                     const std::string& compiler, const std::string& arch) {
  bool cuda = backend == backends::Backend::cuda;
  std::string stream = cuda ? "-DKEVOLVE_STREAM=cudaStream_t" : "-DKEVOLVE_STREAM=hipStream_t";
  std::string include = cuda ? "-include=cuda_runtime.h" : "-include=hip/hip_runtime.h";
  std::vector<std::string> flags = {"-std=c++17", "-O2", stream};
  if (!cuda) flags.insert(flags.end(), {"-include", "hip/hip_runtime.h"});
  backends::CandidateRecipe r;
  r.unit = "twice";
  r.backend = backend;
  r.gpu_arch = arch;
  r.compiler = compiler;
  r.compiler_version = compiler;
  // The target's own architecture flags are replaced by the device's.
  std::vector<std::string> kernel_flags = flags;
  kernel_flags.push_back(cuda ? "--generate-code=arch=compute_75,code=[compute_75,sm_75]"
                              : "--offload-arch=gfx1030");
  r.sources = {{dir.write(cuda ? "twice.cu" : "twice.hip", k_kernel), kernel_flags},
               {dir.write(cuda ? "twice_bench.cu" : "twice_bench.hip", k_harness), flags}};
  r.main_flags = flags;
  r.cache_dir = dir / "cache";
  r.work_dir = dir / "work";
  return r;
}

bool has_device(backends::Backend backend) {
  backends::Inventory inventory = backends::detect_devices();
  return std::any_of(inventory.devices.begin(), inventory.devices.end(),
                     [&](const backends::Device& d) { return d.backend == backend; });
}

// What the runner says to "describe": without a device of its backend, that there is none (exit
// 2, before loading anything); with one, the candidate's description.
void check_described(const util::ProcessResult& ran, backends::Backend backend) {
  INFO(ran.describe() << ": " << ran.output);
  bool no_device = ran.output.find("kevolve-runner: no usable device") != std::string::npos;
  bool described = ran.output.find("\"mode\":\"describe\",\"status\":\"ok\"") != std::string::npos;
  if (has_device(backend)) {
    CHECK(ran.ok());
    CHECK(described);
    CHECK_FALSE(no_device);
  } else {
    CHECK(ran.exit_code == 2);
    CHECK(no_device);
    CHECK_FALSE(described);
  }
}

std::string symbols(const fs::path& library) {
  auto nm = util::run_process({"nm", "-D", "--defined-only", library.string()});
  return nm && nm->ok() ? nm->output : "";
}

// What a library leaves for the loader to find elsewhere (demangled).
std::string undefined_symbols(const fs::path& library) {
  auto nm = util::run_process({"nm", "-D", "-C", "--undefined-only", library.string()});
  return nm && nm->ok() ? nm->output : "";
}

}  // namespace

TEST_CASE("architecture flags: the target's are dropped, the device's added") {
  CHECK(backends::without_gpu_architectures(
            {"-O2", "--generate-code=arch=compute_52,code=[compute_52,sm_52]", "-gencode",
             "arch=compute_70,code=sm_70", "-arch=sm_80", "--offload-arch=gfx906", "-DX=1"}) ==
        std::vector<std::string>{"-O2", "-DX=1"});
  CHECK(backends::gpu_architecture_flags(backends::Backend::cuda, "sm_90a") ==
        std::vector<std::string>{"-gencode=arch=compute_90a,code=sm_90a"});
  CHECK(backends::gpu_architecture_flags(backends::Backend::hip, "gfx90a") ==
        std::vector<std::string>{"--offload-arch=gfx90a"});
}

TEST_CASE("a CUDA candidate builds for sm_90a into a library the runner loads") {
  std::string nvcc = backends::platform_of(backends::Backend::cuda).find_compiler();
  if (nvcc.empty()) KEVOLVE_SKIP("no nvcc here");
  test::TempDir dir;
  auto recipe = recipe_for(dir, backends::Backend::cuda, nvcc, "sm_90a");
  backends::Build build =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 256\n", "c0");
  INFO(build.log);
  REQUIRE(build.ok);
  CHECK(build.executable.extension() == ".so");
  CHECK(symbols(build.executable).find("kevolve_candidate_main") != std::string::npos);
  // The entry point, the same for every unit, reaches this unit's harness through the file
  // that names it (templates/candidate_unit.cpp), linked in, not left to the loader.
  CHECK(undefined_symbols(build.executable).find("unit_bench") == std::string::npos);
  auto text = util::read_file(build.executable);
  REQUIRE(text);
  CHECK(text->find("-arch sm_90a") != std::string::npos);  // the device code's target
  CHECK(text->find("sm_75") == std::string::npos);         // not the target's

  // The same candidate again comes from the cache; another one does not.
  backends::Build again =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 256\n", "c1");
  CHECK(again.cached);
  CHECK(again.executable == build.executable);
  backends::Build other =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 64\n", "c2");
  REQUIRE(other.ok);
  CHECK(other.executable != build.executable);

  // A candidate that does not compile is a log, not an exception.
  backends::Build broken =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, (\n", "c3");
  CHECK_FALSE(broken.ok);
  CHECK_FALSE(broken.log.empty());

  auto runner = backends::build_runner(recipe);
  INFO((runner ? std::string() : runner.error()));
  REQUIRE(runner);
  // Without a GPU the runner says so and exits; with one it is ready for requests.
  util::ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  auto ran = util::run_process({runner->string(), build.executable.string(), "describe"}, options);
  REQUIRE(ran);
  check_described(*ran, backends::Backend::cuda);
}

TEST_CASE("a HIP candidate builds for gfx90a into a library the runner loads") {
  std::string hipcc = backends::platform_of(backends::Backend::hip).find_compiler();
  if (hipcc.empty()) KEVOLVE_SKIP("no hipcc here");
  test::TempDir dir;
  auto recipe = recipe_for(dir, backends::Backend::hip, hipcc, "gfx90a");
  backends::Build build =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 256\n", "c0");
  INFO(build.log);
  REQUIRE(build.ok);
  CHECK(symbols(build.executable).find("kevolve_candidate_main") != std::string::npos);
  auto text = util::read_file(build.executable);
  REQUIRE(text);
  CHECK(text->find("amdgcn-amd-amdhsa--gfx90a") != std::string::npos);
  CHECK(text->find("gfx1030") == std::string::npos);
  auto runner = backends::build_runner(recipe);
  INFO((runner ? std::string() : runner.error()));
  REQUIRE(runner);
  auto ran = util::run_process({runner->string(), build.executable.string(), "describe"});
  REQUIRE(ran);
  check_described(*ran, backends::Backend::hip);
}
