// Device-only CUDA candidates (docs/device-only.md): which units opt in, the errors of a unit
// that opts in wrongly, and, with nvcc, what a candidate is: cubins of the kernel sources and a
// manifest naming the host library that all candidates share. Nothing here runs a candidate.
#include "backends/build.hpp"
#include "backends/platform.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "skip.hpp"
#include "temp_dir.hpp"

using namespace kevolve;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_kernel = R"(#include <kevolve/launch.hpp>
constexpr int kBlock = KEVOLVE_PARAM(twice, BLOCK, 128);
extern "C" {
KEVOLVE_TUNE(twice, "BLOCK: 64..512 pow2")
__global__ void __launch_bounds__(kBlock) twice_kernel(const float* x, float* y, long n) {
  long i = static_cast<long>(blockIdx.x) * kBlock + threadIdx.x;
  if (i < n) y[i] = 2.0f * x[i];
}
}
// A launch with <<<...>>> here would be an error; in a comment it is not.
void twice(const float* x, float* y, long n, cudaStream_t stream) {
  const long block = KEVOLVE_RUNTIME_PARAM(twice, BLOCK, 128);
  KEVOLVE_LAUNCH(twice_kernel, static_cast<unsigned>((n + block - 1) / block),
                 static_cast<unsigned>(block), 0, stream, x, y, n);
}
)";

constexpr const char* k_harness = R"(#include <kevolve/bench.hpp>
void twice(const float* x, float* y, long n, cudaStream_t stream);
KEVOLVE_BENCH(twice, b) {
  const long n = b.size("n", {1 << 20});
  const float* x = b.input<float>("x", n);
  float* y = b.output<float>("y", n);
  b.traffic(8.0 * n);
  b.run([=, &b] { twice(x, y, n, b.stream()); });
}
)";

backends::CandidateRecipe recipe_for(const test::TempDir& dir, const std::string& kernel,
                                     const std::string& compiler = "nvcc") {
  std::vector<std::string> flags = {"-std=c++17", "-O2"};
  backends::CandidateRecipe r;
  r.unit = "twice";
  r.backend = backends::Backend::cuda;
  r.gpu_arch = "sm_90a";
  r.compiler = compiler;
  r.compiler_version = compiler;
  std::vector<std::string> kernel_flags = flags;
  kernel_flags.push_back("--generate-code=arch=compute_75,code=[compute_75,sm_75]");
  r.sources = {{dir.write("twice.cu", kernel), kernel_flags},
               {dir.write("twice_bench.cu", k_harness), flags}};
  r.main_flags = flags;
  r.cache_dir = dir / "cache";
  r.work_dir = dir / "work";
  return r;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

std::string symbols(const fs::path& library) {
  auto nm = util::run_process({"nm", "-D", "--defined-only", library.string()});
  return nm && nm->ok() ? nm->output : "";
}

// The manifest's lines that start with `key`, without it.
std::vector<std::string> manifest_lines(const fs::path& manifest, const std::string& key) {
  auto text = util::read_file(manifest);
  REQUIRE(text);
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text->size()) {
    std::size_t end = text->find('\n', at);
    std::string line = text->substr(at, end - at);
    if (line.rfind(key + " ", 0) == 0) out.push_back(line.substr(key.size() + 1));
    at = end == std::string::npos ? text->size() : end + 1;
  }
  return out;
}

// KEVOLVE_DEVICE_ONLY=on for one test: the path is opt-in until it has run on a GPU.
struct DeviceOnlyOn {
  DeviceOnlyOn() { ::setenv("KEVOLVE_DEVICE_ONLY", "on", 1); }
  ~DeviceOnlyOn() { ::unsetenv("KEVOLVE_DEVICE_ONLY"); }
};

}  // namespace

TEST_CASE("a CUDA unit opts in to device-only candidates by launching through KEVOLVE_LAUNCH") {
  DeviceOnlyOn on;
  test::TempDir dir;
  auto path = backends::build_path(recipe_for(dir, k_kernel));
  REQUIRE(path);
  CHECK(*path == backends::BuildPath::device_only);

  SECTION("a unit that launches with <<<>>> only is built whole") {
    std::string plain = replaced(k_kernel, "KEVOLVE_LAUNCH(twice_kernel,", "twice_kernel<<<");
    auto whole = backends::build_path(recipe_for(dir, plain));
    REQUIRE(whole);
    CHECK(*whole == backends::BuildPath::whole);
  }
  SECTION("HIP units are built whole") {
    auto r = recipe_for(dir, k_kernel);
    r.backend = backends::Backend::hip;
    CHECK(*backends::build_path(r) == backends::BuildPath::whole);
  }
  SECTION("without KEVOLVE_DEVICE_ONLY=on it is built whole") {
    ::unsetenv("KEVOLVE_DEVICE_ONLY");
    auto whole = backends::build_path(recipe_for(dir, k_kernel));
    ::setenv("KEVOLVE_DEVICE_ONLY", "on", 1);
    REQUIRE(whole);
    CHECK(*whole == backends::BuildPath::whole);
  }
}

TEST_CASE("a unit that opts in wrongly is refused, saying why") {
  DeviceOnlyOn on;
  test::TempDir dir;
  SECTION("a launch with <<<>>> beside KEVOLVE_LAUNCH") {
    std::string mixed = std::string(k_kernel) +
                        "void again(float* y, cudaStream_t s) { twice_kernel<<<1, 1, 0, s>>>(y, "
                        "y, 1); }\n";
    auto r = recipe_for(dir, mixed);
    auto path = backends::build_path(r);
    REQUIRE_FALSE(path);
    CHECK(path.error().find("twice.cu launches with <<<>>>") != std::string::npos);
    backends::Build build = backends::build_candidate(r, "", "c0");
    CHECK_FALSE(build.ok);
    CHECK(build.log == path.error());
  }
  SECTION("a kernel in the harness itself") {
    auto r = recipe_for(dir, k_kernel);
    r.sources.erase(r.sources.begin());
    r.sources.back().path = dir.write("twice_bench.cu", std::string(k_kernel) + k_harness);
    auto path = backends::build_path(r);
    REQUIRE_FALSE(path);
    CHECK(path.error().find("its kernel is in its harness") != std::string::npos);
  }
}

TEST_CASE("a device-only candidate is its cubin and a manifest; the host side is built once") {
  DeviceOnlyOn on;
  std::string nvcc = backends::platform_of(backends::Backend::cuda).find_compiler();
  if (nvcc.empty()) KEVOLVE_SKIP("no nvcc here");
  test::TempDir dir;
  auto recipe = recipe_for(dir, k_kernel, nvcc);
  backends::Build first =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 256\n", "c0");
  INFO(first.log);
  REQUIRE(first.ok);
  CHECK(first.executable.extension() == ".kvc");
  CHECK(manifest_lines(first.executable, "unit") == std::vector<std::string>{"twice"});
  CHECK(manifest_lines(first.executable, "param") == std::vector<std::string>{"BLOCK 256"});
  std::vector<std::string> hosts = manifest_lines(first.executable, "host");
  std::vector<std::string> cubins = manifest_lines(first.executable, "cubin");
  REQUIRE(hosts.size() == 1);
  REQUIRE(cubins.size() == 1);  // the kernel source's; the harness is host code
  CHECK(symbols(hosts[0]).find("kevolve_candidate_cubin_main") != std::string::npos);
  auto cubin = util::read_file(cubins[0]);
  REQUIRE(cubin);
  CHECK(cubin->rfind("\x7f" "ELF", 0) == 0);
  CHECK(cubin->find("twice_kernel") != std::string::npos);  // extern "C": its own name

  backends::Build second =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 64\n", "c1");
  REQUIRE(second.ok);
  CHECK_FALSE(second.cached);
  // The host library is built once; each candidate's directory links it (its sandbox reads
  // only the directory of its artifact).
  std::vector<std::string> second_hosts = manifest_lines(second.executable, "host");
  REQUIRE(second_hosts.size() == 1);
  CHECK(fs::equivalent(second_hosts[0], hosts[0]));
  for (const std::string& path : hosts) CHECK(fs::path(path).parent_path() == first.executable.parent_path());
  for (const std::string& path : cubins) CHECK(fs::path(path).parent_path() == first.executable.parent_path());
  std::vector<std::string> second_cubins = manifest_lines(second.executable, "cubin");
  REQUIRE(second_cubins.size() == 1);
  CHECK(util::read_file(second_cubins[0]).value() != *cubin);  // compiled for it
  CHECK(manifest_lines(second.executable, "param") == std::vector<std::string>{"BLOCK 64"});
  backends::Build again =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, 256\n", "c2");
  CHECK(again.cached);
  CHECK(again.executable == first.executable);

  // A kernel that does not compile for the candidate is a log, not an exception.
  backends::Build broken =
      backends::build_candidate(recipe, "#define KEVOLVE_TUNED_twice_BLOCK ~, (\n", "c3");
  CHECK_FALSE(broken.ok);
  CHECK(broken.log.find("-cubin") != std::string::npos);

  auto runner = backends::build_runner(recipe);
  INFO((runner ? std::string() : runner.error()));
  REQUIRE(runner);
}

// The host side reads a candidate's values from its manifest; a value the candidate does not set
// (the defaults set none) is the one the host side was compiled with. Host code only: no GPU.
TEST_CASE("a device-only candidate's parameters: its manifest's, else the compiled default") {
  const std::string nvcc = backends::platform_of(backends::Backend::cuda).find_compiler();
  if (nvcc.empty()) KEVOLVE_SKIP("no nvcc here");
  test::TempDir dir;
  const fs::path program = dir.write("params.cu", R"(#include <kevolve/launch.hpp>
#include <cstdio>
int main(int, char** argv) {
  const std::string error = kevolve::detail::device_only::load_manifest(argv[1]);
  if (!error.empty()) return std::puts(error.c_str()), 1;
  std::printf("%ld %ld\n", kevolve::runtime_param("twice", "BLOCK", 128),
              kevolve::runtime_param("twice", "ITEMS", 7));
  try {
    kevolve::runtime_param("twice", "BAD", 1);
  } catch (const std::invalid_argument& e) {
    std::puts(e.what());
  }
}
)");
  auto built = util::run_process({nvcc, "-std=c++17", "-I" KEVOLVE_INCLUDE_DIR, program.string(),
                                  "-o", (dir / "params").string()});
  REQUIRE(built);
  REQUIRE(built->ok());
  auto run = [&](const std::string& manifest) {
    auto ran = util::run_process({(dir / "params").string(), dir.write("m", manifest).string()});
    REQUIRE(ran);
    return ran->output;
  };
  const std::string head = "kevolve-cubin 1\nunit twice\ncubin /none.cubin\n";
  CHECK_THAT(run(head + "param BLOCK 256\nparam BAD 2x\n"),
             Catch::StartsWith("256 7\n") && Catch::Contains("'BAD'") &&
                 Catch::Contains("not an integer"));
  CHECK_THAT(run(head), Catch::StartsWith("128 7\n"));  // the defaults' candidate
}
