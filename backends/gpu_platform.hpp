#pragma once

// What CUDA and HIP share: candidates are shared libraries served by the device's runner,
// timed with single runs after a warm-up, with measured peaks. cuda/platform.cpp and
// hip/platform.cpp add their compilers' flags.

#include "backends/platform.hpp"

#include <string_view>

namespace kevolve::backends {

// Where a GPU toolkit's compiler is found and how messages name it.
struct GpuToolkit {
  std::string_view name;               // CUDA, HIP
  std::string_view compiler;           // nvcc, hipcc
  std::string_view compiler_variable;  // CUDACXX, HIPCXX
  std::string_view root_variable;      // CUDA_PATH, ROCM_PATH
  std::string_view default_root;       // /usr/local/cuda, /opt/rocm
};

class GpuPlatform : public Platform {
 public:
  explicit GpuPlatform(GpuToolkit toolkit) : m_toolkit(toolkit) {}

  std::string find_compiler() const override;
  std::string candidate_arch(const Device& device) const override { return device.arch; }
  std::vector<std::string> link_flags() const override { return {}; }
  bool optimised(const std::vector<std::string>& flags) const override;
  std::string recorded_arch(const Device& device, const CandidateRecipe& recipe) const override;
  util::Expected<Launchers> launchers(const CandidateRecipe& recipe) const override;
  int repetitions() const override { return 30; }
  bool warms_up() const override { return true; }
  bool outputs_in_memory() const override { return true; }
  bool compares_before_timing() const override { return false; }
  bool evaluates_while_building() const override { return true; }
  bool has_peaks() const override { return true; }
  util::Expected<Peaks> measure_peaks(const Device& device,
                                      const std::string& compiler) const override;
  util::Expected<Profiler> profiler(const CandidateRecipe& recipe) const override;
  bool counts_in_harness() const override { return false; }

 private:
  GpuToolkit m_toolkit;
};

}  // namespace kevolve::backends
