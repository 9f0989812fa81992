#pragma once

// One unit's evaluation, wherever it runs: on this machine (eval::Evaluator) or on a cluster's
// node through a worker (tool/executor/). The tuning stages see only this, so the search, the
// protocol's checks and what is written to the knowledge directory are the same for both.

#include "backends/candidate.hpp"
#include "backends/cpu/counters.hpp"
#include "backends/peaks.hpp"
#include "backends/protocol.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::eval {

struct Measurement;
struct Trial;

class Evaluation {
 public:
  virtual ~Evaluation() = default;

  // Builds and checks the defaults, draws the seeds, computes the references and times the
  // baseline; errors say why tuning cannot start.
  virtual util::Expected<void> prepare() = 0;
  virtual const backends::Description& description() const = 0;
  virtual const Measurement& baseline() const = 0;
  // Wall seconds of the defaults' whole evaluation: what a re-timing run costs at most.
  virtual double session_seconds() const = 0;
  virtual const std::filesystem::path& baseline_executable() const = 0;
  virtual const std::vector<std::string>& warnings() const = 0;
  // The device's peaks as the node that evaluates measured them (after prepare); none: the
  // tuner's own (this machine's).
  virtual std::optional<backends::Peaks> peaks() const { return std::nullopt; }

  // Thread-safe: candidates build in parallel. `recipe` is the unit's or a code variant's.
  virtual backends::Build build(const backends::CandidateRecipe& recipe, const std::string& header,
                                const std::string& tag) const = 0;
  // One candidate at a time.
  virtual Trial evaluate(const backends::Build& build, const std::string& tag) = 0;
  // Each executable's median per interleaved round (NaN where a run failed).
  virtual std::vector<std::vector<double>> interleaved(
      const std::vector<std::filesystem::path>& executables, int rounds, std::uint64_t seed) = 0;
  // Verifies an executable on a seed drawn now.
  virtual Trial reverify(const std::filesystem::path& executable) = 0;
  // CPU: the hardware counters of an executable's calls (advisory).
  virtual util::Expected<backends::cpu::Counters> counters(
      const std::filesystem::path& executable) = 0;
};

}  // namespace kevolve::eval
