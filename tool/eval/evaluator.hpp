#pragma once

// The evaluation protocol of docs/design.md §8 for one unit: the defaults build the reference
// outputs and the baseline; each candidate is built, verified on every seed against the reference
// (outside the tuner's process, compared inside it), and timed; statuses are data.

#include "backends/candidate.hpp"
#include "backends/platform.hpp"
#include "backends/protocol.hpp"
#include "backends/runner.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::eval {

struct EvalOptions {
  std::vector<std::uint64_t> seeds = {1, 2, 3};
  std::uint64_t final_seed = 1001;  // the winner's re-verification uses a seed the search never saw
  int reps = 0;            // timed repetitions of one measurement; 0: the backend's (CPU 5, GPU 30)
  double min_time = 0.05;  // CPU: seconds per repetition (Google Benchmark's MinTime)
  int gpu_warmup = 3;      // GPU: untimed runs before the repetitions
  std::chrono::milliseconds min_timeout{15000};  // no run is killed sooner
  double timeout_factor = 20;                    // nor before this many times the defaults' run
};

struct Measurement {
  double median_s = 0;
  double min_s = 0;
  double max_s = 0;
  std::vector<double> samples;

  double spread() const { return median_s > 0 ? (max_s - min_s) / median_s : 0; }
};

struct Trial {
  backends::Status status = backends::Status::runtime_error;
  std::string message;
  std::optional<Measurement> time;
  double build_s = 0;
  double run_s = 0;
  bool cached_build = false;
};

class Evaluator {
 public:
  Evaluator(backends::CandidateRecipe recipe, EvalOptions options);
  ~Evaluator();

  // Builds the defaults, describes the harness, computes the reference outputs for every seed,
  // checks they can verify anything, and times the defaults. Errors say why tuning cannot
  // start (the defaults do not build, the harness writes to an input, ...).
  util::Expected<void> prepare();
  const backends::Description& description() const { return m_description; }
  const Measurement& baseline() const { return m_baseline; }
  const std::filesystem::path& baseline_executable() const { return m_baseline_exe; }
  const std::vector<std::string>& warnings() const { return m_warnings; }

  // Thread-safe: candidates build in parallel.
  backends::Build build(const std::string& header, const std::string& tag) const;
  // Runs are not: one candidate runs at a time, so timings do not disturb each other.
  Trial evaluate(const backends::Build& build, const std::string& tag);

  // Times the executables in `rounds` interleaved rounds, each run a fresh process, in an order
  // shuffled per round; returns each executable's medians. Failed runs leave a gap (NaN).
  std::vector<std::vector<double>> interleaved(
      const std::vector<std::filesystem::path>& executables, int rounds, std::uint64_t seed);

  // Verifies an executable on the final seed, against a reference computed for it.
  Trial reverify(const std::filesystem::path& executable);

 private:
  // A verification is a run (outputs to `out`) and a comparison with the seed's reference;
  // the comparison may run on another thread.
  Trial run_verification(const std::filesystem::path& exe, std::uint64_t seed,
                         const std::filesystem::path& out, const std::string& tag);
  Trial compare_verification(std::uint64_t seed, const std::filesystem::path& reference,
                             const std::filesystem::path& out) const;
  Trial verify_seed(const std::filesystem::path& exe, std::uint64_t seed,
                    const std::filesystem::path& reference, const std::string& tag);
  util::Expected<std::filesystem::path> reference_for(std::uint64_t seed);
  backends::RunOptions run_options(double factor_base_s, bool fresh = false) const;
  int reps() const;
  std::filesystem::path scratch() const;

  backends::CandidateRecipe m_recipe;
  const backends::Platform* m_platform;
  EvalOptions m_options;
  // For the search, and a fresh process per run for the final re-timing and re-verification
  // (on GPUs the device's runner); empty until prepare().
  backends::Launchers m_launchers;
  std::filesystem::path m_scratch;  // outputs to compare: in memory (/dev/shm) when it can
  std::filesystem::path m_baseline_exe;
  backends::Description m_description;
  Measurement m_baseline;
  double m_verify_s = 0;  // the defaults' slowest reference run, wall time
  double m_time_s = 0;    // the defaults' timing run, wall time
  std::vector<std::string> m_warnings;
};

Measurement measurement_from(const util::Json& time_result);

}  // namespace kevolve::eval
