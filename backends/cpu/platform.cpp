// The CPU: candidates are executables built by the target's compiler, each request a fresh
// process, timed by Google Benchmark inside the harness.

#include "backends/platform.hpp"

#include "backends/cpu/peaks.hpp"
#include "backends/install_paths.hpp"

#include "templates/templates.hpp"

namespace kevolve::backends::cpu {

namespace {

class CpuPlatform : public Platform {
 public:
  Backend backend() const override { return Backend::cpu; }
  std::vector<std::string_view> source_suffixes() const override { return {}; }
  std::string_view generated_suffix() const override { return ".cpp"; }
  std::string find_compiler() const override { return {}; }

  std::string candidate_arch(const Device& /*device*/) const override { return {}; }
  std::vector<std::string> architecture_flags(const std::string& /*arch*/) const override {
    return {};
  }
  // The last -O flag decides, as for GCC and Clang; none is -O0.
  bool optimised(const std::vector<std::string>& flags) const override {
    std::string_view level = last_optimisation_flag(flags);
    return !level.empty() && level != "-O0";
  }

  std::vector<std::string> link_flags() const override {
    return {benchmark_library(), "-lpthread"};
  }
  CompileStyle compile_style(const std::string& /*arch*/) const override {
    CompileStyle s;
    s.preprocess = {"-E", "-P"};
    s.entry_template = templates::candidate_main_cpp;
    s.entry_file = "kevolve_main.cpp";
    s.unit_template = templates::candidate_unit_cpp;
    s.unit_file = "kevolve_unit.cpp";
    return s;
  }
  std::string recorded_arch(const Device& device,
                            const CandidateRecipe& /*recipe*/) const override {
    return device.arch;
  }

  util::Expected<Launchers> launchers(const CandidateRecipe& /*recipe*/) const override {
    Launchers l;
    l.search = std::make_unique<ProcessLauncher>();
    l.fresh = std::make_unique<ProcessLauncher>();
    return l;
  }

  // Google Benchmark repeats runs of at least EvalOptions::min_time each, warming up itself.
  int repetitions() const override { return 5; }
  bool warms_up() const override { return false; }
  bool outputs_in_memory() const override { return false; }
  // The comparisons would compete with the timed run for the same cores.
  bool compares_before_timing() const override { return true; }
  bool evaluates_while_building() const override { return false; }

  // Measured in kevolve's own process (cpu/peaks.cpp): no compiler needed.
  bool has_peaks() const override { return true; }
  util::Expected<Peaks> measure_peaks(const Device& device,
                                      const std::string& /*compiler*/) const override {
    return cpu::measure_peaks(device);
  }
  util::Expected<Profiler> profiler(const CandidateRecipe& /*recipe*/) const override {
    return util::unexpected(
        std::string("CPU candidates count their hardware events themselves (counts_in_harness)"));
  }
  // perf_event_open in the candidate's own process: no tool to install, no privilege.
  bool counts_in_harness() const override { return true; }
};

}  // namespace

const Platform& platform() {
  static const CpuPlatform cpu;
  return cpu;
}

}  // namespace kevolve::backends::cpu
