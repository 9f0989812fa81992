// CUDA: candidates built by nvcc for the device's exact architecture, profiled by Nsight
// Compute.

#include "backends/build.hpp"
#include "backends/cuda/profile.hpp"
#include "backends/gpu_platform.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "templates/templates.hpp"

namespace kevolve::backends::cuda {

namespace {

class CudaPlatform : public GpuPlatform {
 public:
  CudaPlatform() : GpuPlatform({"CUDA", "nvcc", "CUDACXX", "CUDA_PATH", "/usr/local/cuda"}) {}

  Backend backend() const override { return Backend::cuda; }
  std::vector<std::string_view> source_suffixes() const override { return {".cu", ".cuh"}; }
  std::string_view generated_suffix() const override { return ".cu"; }

  // The architecture-specific features where the device has them (sm_90 -> sm_90a on
  // Hopper and later): candidates run only on the device they were built for.
  std::string candidate_arch(const Device& device) const override {
    int number = device.arch.rfind("sm_", 0) == 0 ? std::atoi(device.arch.c_str() + 3) : 0;
    return number >= 90 ? device.arch + "a" : device.arch;
  }

  // sm_90a -> compute_90a/sm_90a: real code only, for the device the candidate runs on. The
  // -gencode form, since "-arch=sm_90a" also runs an sm_90 pass that rejects 90a-only code.
  std::vector<std::string> architecture_flags(const std::string& arch) const override {
    if (arch.empty()) return {};
    std::string number = arch.rfind("sm_", 0) == 0 ? arch.substr(3) : arch;
    return {fmt::format("-gencode=arch=compute_{},code=sm_{}", number, number)};
  }

  CompileStyle compile_style(const std::string& arch) const override {
    CompileStyle s;
    // No GNU-unique symbols: they would keep a candidate loaded after dlclose, and the next
    // candidate would bind to its kernels.
    s.compile = {"-x", "cu", "-Xcompiler", "-fPIC,-fno-gnu-unique"};
    s.preprocess = {"-E", "-Xcompiler", "-P"};
    s.link = {"-shared", "-cudart", "shared"};
    s.runner_link = {"-cudart", "shared"};
    s.entry_template = templates::candidate_entry_cpp;
    s.entry_file = "kevolve_entry.cu";
    s.unit_template = templates::candidate_unit_cpp;
    s.unit_file = "kevolve_unit.cu";
    s.artifact_suffix = ".so";
    s.direct_keys = true;
    s.drops_target_architectures = true;
    std::vector<std::string> flags = architecture_flags(arch);
    s.compile.insert(s.compile.end(), flags.begin(), flags.end());
    s.link.insert(s.link.end(), flags.begin(), flags.end());
    return s;
  }

  util::Expected<Profiler> profiler(const CandidateRecipe& recipe) const override {
    std::string ncu = find_ncu(find_compiler());
    if (ncu.empty())
      return util::unexpected(
          std::string("ncu (Nsight Compute) is not installed here; no profile"));
    return Profiler(
        [recipe, ncu](const std::filesystem::path& artifact) -> util::Expected<util::Json> {
          auto runner = build_runner(recipe);
          if (!runner) return util::unexpected(runner.error());
          return profile(ncu, *runner, artifact, std::chrono::minutes(5));
        });
  }
};

}  // namespace

const Platform& platform() {
  static const CudaPlatform cuda;
  return cuda;
}

}  // namespace kevolve::backends::cuda
