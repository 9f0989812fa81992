#pragma once

// What differs between CPU, CUDA and HIP, behind one object per backend: a Platform. Code
// outside backends/ asks the platform of a device or recipe (`platform_of`) instead of
// branching on the Backend enum, which stays the device's identity. The implementations live
// in cpu/, cuda/ and hip/ (the two GPU ones share gpu_platform.hpp).

#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/runner.hpp"
#include "util/expected.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kevolve::backends {

// Metrics of one built candidate (its executable or shared library), e.g. Nsight Compute's.
using Profiler = std::function<util::Expected<util::Json>(const std::filesystem::path& artifact)>;

// How protocol requests reach a candidate: during the search, and where every run must be a
// fresh process and context (the final re-timing and re-verification).
struct Launchers {
  std::unique_ptr<Launcher> search;
  std::unique_ptr<Launcher> fresh;
};

// How a candidate's sources are compiled and linked (backends/build.cpp runs the commands).
struct CompileStyle {
  std::vector<std::string> compile;      // added to every compile and preprocess
  std::vector<std::string> preprocess;   // to stdout, without line markers
  std::vector<std::string> link;         // what makes the artifact, with the architecture
  std::vector<std::string> runner_link;  // what the device runner links besides -ldl
  // The generated main or entry point, the same for every unit (its object, the harness runtime,
  // is compiled once and shared through the cache), and the file, one per unit, that names the
  // unit's harness to it (@UNIT@).
  const char* entry_template = nullptr;
  std::string entry_file;
  const char* unit_template = nullptr;
  std::string unit_file;
  std::string artifact_suffix;  // "" for executables, ".so" for libraries
  // GPU compiles are slow and preprocessing costs a fifth of one: sources that do not change
  // between candidates are keyed by their text instead (see build.cpp).
  bool direct_keys = false;
  // Candidates are built for the device they run on, not the target's architectures.
  bool drops_target_architectures = false;
};

class Platform {
 public:
  virtual ~Platform() = default;
  virtual Backend backend() const = 0;

  // Sources and compilers.
  // The suffixes that make a file this backend's (.cu, .cuh; .hip); the CPU's is every other.
  virtual std::vector<std::string_view> source_suffixes() const = 0;
  // The suffix of what kevolve generates for it: candidates' entry points, runners, probes.
  virtual std::string_view generated_suffix() const = 0;
  // Its own compiler (nvcc, hipcc) for what kevolve builds outside a target (the peaks probe):
  // CUDACXX / HIPCXX, the toolkit's usual places, PATH. Empty when none is found, and always
  // for the CPU, whose candidates use the target's compiler.
  virtual std::string find_compiler() const = 0;

  // Flags and architectures.
  // What candidates for `device` are compiled for (sm_90 -> sm_90a on Hopper); empty for the
  // CPU (the target's own flags decide).
  virtual std::string candidate_arch(const Device& device) const = 0;
  // The flags that select `arch` for its compiler; none for an empty arch.
  virtual std::vector<std::string> architecture_flags(const std::string& arch) const = 0;
  // Libraries every candidate links beyond the target's (the CPU's: Google Benchmark, threads).
  virtual std::vector<std::string> link_flags() const = 0;
  // Whether a kernel built with these flags is optimised: timings of an unoptimised build
  // (-O0, device debug code) say nothing about the optimised one users ship.
  virtual bool optimised(const std::vector<std::string>& flags) const = 0;
  // How its candidates for `arch` compile and link (build_candidate and build_runner use it).
  virtual CompileStyle compile_style(const std::string& arch) const = 0;
  // The architecture a wisdom record names: what the candidates were compiled for on GPUs,
  // the device's on the CPU.
  virtual std::string recorded_arch(const Device& device, const CandidateRecipe& recipe) const = 0;

  // Launching candidates. Errors say why none can run (the device runner does not build).
  virtual util::Expected<Launchers> launchers(const CandidateRecipe& recipe) const = 0;

  // Evaluation defaults.
  virtual int repetitions() const = 0;  // timed repetitions of one measurement
  virtual bool warms_up() const = 0;    // untimed runs before them (the CPU's harness has its own)
  // Outputs compared at hundreds of candidates a minute are kept off disk (/dev/shm).
  virtual bool outputs_in_memory() const = 0;
  // Whether every seed's comparison ends before timing starts (else it overlaps the timing).
  virtual bool compares_before_timing() const = 0;
  // Whether the tuner runs each candidate as soon as it is built while the next ones compile,
  // rather than alternating between building a batch and running it.
  virtual bool evaluates_while_building() const = 0;

  // Peaks and profiling.
  virtual bool has_peaks() const = 0;  // whether measure_peaks can measure them
  // Builds (with `compiler`) and runs the probe on the device.
  virtual util::Expected<Peaks> measure_peaks(const Device& device,
                                              const std::string& compiler) const = 0;
  // A profiler of the recipe's candidates, or why there is none here.
  virtual util::Expected<Profiler> profiler(const CandidateRecipe& recipe) const = 0;
  // Whether --profile asks the candidates themselves for their hardware counters (the
  // harness's `counters` request, cpu/counters.hpp) rather than an outside profiler.
  virtual bool counts_in_harness() const = 0;
};

// The last -O flag among `flags` ("-O2", "-Os", "-O0"), or "" when there is none.
std::string_view last_optimisation_flag(const std::vector<std::string>& flags);

const Platform& platform_of(Backend backend);
// The backend whose sources `file` is by its suffix: CUDA, HIP, else the CPU.
Backend backend_of_source(const std::filesystem::path& file);

namespace cpu {
const Platform& platform();
}
namespace cuda {
const Platform& platform();
}
namespace hip {
const Platform& platform();
}

}  // namespace kevolve::backends
