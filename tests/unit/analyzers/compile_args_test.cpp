#include "analyzers/compile_args.hpp"

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

using namespace kevolve;
using namespace kevolve::analyzers;

namespace {

bool has(const std::vector<std::string>& args, const std::string& arg) {
  return std::find(args.begin(), args.end(), arg) != args.end();
}

}  // namespace

TEST_CASE("compile args: keep what changes parsing, drop the rest", "[analyzers][args]") {
  test::TempDir dir;
  auto env = make_environment(nullptr, dir.path());
  REQUIRE(env);
  CompileGroup group;
  group.language = "CXX";
  group.fragments = {
      "-O3",           "-g",    "-std=gnu++20",       "-DFROM_FRAGMENT=1", "-fno-exceptions",
      "-march=native", "-Wall", "-fsanitize=address", "-include",          "pre.h",
      "-flto"};
  group.defines = {"A=1", "B"};
  group.includes = {{"/inc", false}, {"/sys", true}};
  group.standard = "17";
  auto args = clang_args(group, Language::cxx, *env);
  REQUIRE(args);
  CHECK(has(*args, "-std=gnu++20"));  // the fragment's standard wins over languageStandard
  CHECK(has(*args, "-DFROM_FRAGMENT=1"));
  CHECK(has(*args, "-DA=1"));
  CHECK(has(*args, "-DB"));
  CHECK(has(*args, "-I/inc"));
  CHECK(has(*args, "/sys"));
  CHECK(has(*args, "-fno-exceptions"));
  CHECK(has(*args, "-march=native"));
  CHECK(has(*args, "pre.h"));
  CHECK(has(*args, "-DKEVOLVE_SCAN"));
  CHECK_FALSE(has(*args, "-O3"));
  CHECK_FALSE(has(*args, "-fsanitize=address"));
  CHECK_FALSE(has(*args, "-flto"));
  CHECK_FALSE(has(*args, "-Wall"));
}

TEST_CASE("compile args: CUDA and HIP recipes with clamped architectures", "[analyzers][args]") {
  test::TempDir dir;
  auto env = make_environment(nullptr, dir.path());
  REQUIRE(env);
  CHECK(std::filesystem::exists(env->shim_dir / "texture_fetch_functions.h"));

  CHECK(cuda_arch_for({"--generate-code=arch=compute_80,code=[compute_80,sm_80]"}) == "sm_80");
  CHECK(cuda_arch_for({"--generate-code=arch=compute_100,code=[sm_100]"}) == "sm_90");  // too new
  CHECK(cuda_arch_for({"-O2"}) == "sm_90");
  CHECK(hip_arch_for({"--offload-arch=gfx908"}) == "gfx908");
  CHECK(hip_arch_for({"--offload-arch=gfx942"}) == "gfx90a");

  if (!env->cuda_path.empty()) {
    CompileGroup cuda;
    cuda.language = "CUDA";
    cuda.fragments = {"--generate-code=arch=compute_90,code=[compute_90,sm_90]", "-Xcompiler=-fPIC",
                      "--expt-relaxed-constexpr", "-std=c++17"};
    auto args = clang_args(cuda, Language::cuda, *env);
    REQUIRE(args);
    CHECK(has(*args, "cuda"));
    CHECK(has(*args, "--cuda-gpu-arch=sm_90"));
    CHECK(has(*args, "--cuda-host-only"));
    CHECK(has(*args, "-nocudalib"));
    CHECK(has(*args, env->cuda_path + "/include/cccl"));
    CHECK(has(*args, "-I" + env->shim_dir.string()));
    CHECK_FALSE(has(*args, "--expt-relaxed-constexpr"));
  }
  CompileGroup hip;
  hip.language = "HIP";
  hip.fragments = {"--offload-arch=gfx942"};
  ScanEnvironment no_rocm = *env;
  no_rocm.rocm_path.clear();
  auto missing = clang_args(hip, Language::hip, no_rocm);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error(), Catch::Contains("no HIP headers"));
  if (!env->rocm_path.empty()) {
    auto args = clang_args(hip, Language::hip, *env);
    REQUIRE(args);
    CHECK(has(*args, "--offload-arch=gfx90a"));
    CHECK(has(*args, "-nogpulib"));
  }
}

TEST_CASE("compile args: languages", "[analyzers][args]") {
  CHECK(language_named("CUDA") == Language::cuda);
  CHECK_FALSE(language_named("Fortran"));
  CHECK(language_of_file("k.cu") == Language::cuda);
  CHECK(language_of_file("k.hip") == Language::hip);
  CHECK(language_of_file("k.cpp") == Language::cxx);
  CHECK_FALSE(language_of_file("k.f90"));
}
