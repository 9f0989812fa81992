#pragma once

// The evaluation protocol of docs/design.md §8 for one unit: the defaults build the reference
// outputs and the baseline; each candidate is built, then runs one session (backends/session.hpp)
// in which checked and timed calls are interleaved in an order drawn per candidate, on seeds
// drawn per tune from the OS; its outputs are compared in the tuner, and its times are checked
// against what the tuner observes. Statuses are data.

#include "backends/candidate.hpp"
#include "backends/cpu/counters.hpp"
#include "backends/platform.hpp"
#include "backends/protocol.hpp"
#include "backends/runner.hpp"
#include "backends/sandbox.hpp"
#include "backends/session.hpp"
#include "tool/eval/evaluation.hpp"
#include "util/expected.hpp"
#include "util/random.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::eval {

// The injected header of the defaults: the unit built as its sources say.
inline constexpr const char* k_defaults_header = "// defaults: nothing injected\n";

struct EvalOptions {
  int seeds = 3;           // verification problems on the primary size, each its own seed
  int reps = 0;            // timed repetitions of one measurement; 0: the backend's (CPU 5, GPU 30)
  double min_time = 0.05;  // CPU: seconds per repetition (Google Benchmark's MinTime)
  int gpu_warmup = 3;      // GPU: untimed runs before the repetitions
  std::chrono::milliseconds min_timeout{15000};  // no run is killed sooner
  // Where candidates run (docs/sandbox.md); the tuner resolves --sandbox into it.
  backends::Sandbox sandbox = backends::Sandbox::disabled_sandbox("");
  double timeout_factor = 20;  // nor before this many times the defaults' run
  // More paths candidates must not see, besides the tuner's own (a SLURM tune's work directory,
  // where the worker's answers are: docs/cluster.md).
  std::vector<std::filesystem::path> hidden;
};

struct Measurement {
  double median_s = 0;
  double min_s = 0;
  double max_s = 0;
  std::vector<double> samples;
  // GPU only: each repetition's span by the host clock, up to a device-wide synchronize; the
  // samples are the stream's events.
  double host_median_s = 0;
  // GPU only: how long the device worked on once the stop event had completed (median).
  double drain_median_s = 0;

  double spread() const { return median_s > 0 ? (max_s - min_s) / median_s : 0; }
};

// On a GPU: why `candidate`'s stream events missed work the device still did after them,
// measured against the defaults' drain; empty when they did not (or on a CPU).
std::string unseen_gpu_work(const Measurement& candidate, const Measurement& defaults);

// How the time of a timed phase was spent, by the harness's clock and the tuner's.
struct Phase {
  double observed_s = 0;  // the request's round trip, by the tuner
  double phase_s = 0;     // the phase, by the harness
  double timed_s = 0;     // the timed calls, by the harness
  long long calls = 0;

  // Seconds a call spent outside its timed region (resets, loop overhead).
  double untimed_per_call() const { return calls > 0 ? (phase_s - timed_s) / calls : 0; }
};

// On a CPU: why `candidate`'s calls spent far more time outside their timed region than the
// defaults' did (work moved where the timer does not look); empty when they did not, or on a
// GPU, where that time is the harness's own and unseen_gpu_work judges.
std::string untimed_work(const Measurement& candidate, const Phase& phase,
                         const Measurement& defaults, const Phase& defaults_phase);

// A check: a problem (seed and sizes), optionally refilled in place with another seed, whose
// outputs after a call are compared with the reference's. Its reference lives under `key`.
struct Check {
  std::uint64_t seed = 0;
  std::vector<std::string> sizes;  // name=value; empty: the primary problem
  std::uint64_t refill = 0;        // 0: none
  std::string key;
  backends::Description description;  // the problem's buffers, from the reference run
};

struct Trial {
  backends::Status status = backends::Status::runtime_error;
  std::string message;
  std::optional<Measurement> time;
  Phase phase;
  double build_s = 0;
  double run_s = 0;
  bool cached_build = false;
};

class Evaluator final : public Evaluation {
 public:
  Evaluator(backends::CandidateRecipe recipe, EvalOptions options);
  ~Evaluator() override;

  // Builds the defaults, draws this tune's seeds, describes the harness, computes the reference
  // outputs of every check, checks they can verify anything, and evaluates the defaults like a
  // candidate (their time is the baseline). Errors say why tuning cannot start.
  util::Expected<void> prepare() override;
  const backends::Description& description() const override { return m_description; }
  const Measurement& baseline() const override { return m_baseline; }
  // Wall seconds of the defaults' whole evaluation (a session): what a re-timing run costs at most.
  double session_seconds() const override { return m_slowest_s; }
  const std::filesystem::path& baseline_executable() const override { return m_baseline_exe; }
  const std::vector<std::string>& warnings() const override { return m_warnings; }

  // Thread-safe: candidates build in parallel (the unit's recipe, or a variant's).
  backends::Build build(const std::string& header, const std::string& tag) const;
  backends::Build build(const backends::CandidateRecipe& recipe, const std::string& header,
                        const std::string& tag) const override;
  // Runs are not: one candidate runs at a time, so timings do not disturb each other.
  Trial evaluate(const backends::Build& build, const std::string& tag) override;

  // Times the executables in `rounds` interleaved rounds, each run a fresh session whose timed
  // outputs are checked too, in an order shuffled per round; returns each executable's
  // medians. Failed runs leave a gap (NaN).
  std::vector<std::vector<double>> interleaved(
      const std::vector<std::filesystem::path>& executables, int rounds,
      std::uint64_t seed) override;

  // Verifies an executable on a seed drawn now, which the search never used.
  Trial reverify(const std::filesystem::path& executable) override;

  // CPU: the hardware counters of an executable's calls on the timing problem (the harness's
  // `counters` request), in a fresh session sandboxed like the others. Advisory: the candidate
  // reports them. An error when the session fails; counters the machine does not allow are in
  // the result as unavailable, with the reason.
  util::Expected<backends::cpu::Counters> counters(
      const std::filesystem::path& executable) override;

 private:
  util::Expected<void> plan();
  util::Expected<void> compute_reference(Check& check);
  Trial session(const std::filesystem::path& exe, const std::string& tag, bool final);
  Trial verify_problem(backends::Session& s, const Check& check, const std::string& tag);
  Trial timing_problem(backends::Session& s, const std::string& tag);
  Trial compare(backends::Session& s, const Check& check, const std::string& tag);
  std::string cross_check(const Measurement& m, const Phase& phase) const;
  std::chrono::milliseconds timeout() const;
  // A session of `exe`, sandboxed: it may write to `scratch` only, and sees none of the tuner's
  // files but its own executable.
  util::Expected<backends::Session> open(const std::filesystem::path& exe, bool fresh,
                                         const std::filesystem::path& scratch) const;
  int reps() const;

  backends::CandidateRecipe m_recipe;
  const backends::Platform* m_platform;
  EvalOptions m_options;
  backends::Launchers m_launchers;
  std::filesystem::path m_scratch;  // outputs to compare: in memory (/dev/shm) when it can
  std::filesystem::path m_baseline_exe;
  backends::Description m_description;
  std::vector<Check> m_checks;  // drawn once per tune
  Check m_timed;                // the timing problem's check (its timed outputs)
  Check m_refilled;             // the same problem refilled in place
  util::Rng m_rng;              // the order of each session's requests
  Measurement m_baseline;
  Phase m_baseline_phase;
  double m_slowest_s = 0;  // the defaults' slowest request, wall time
  std::vector<std::string> m_warnings;
};

Measurement measurement_from(const util::Json& time_result);

}  // namespace kevolve::eval
