#pragma once

// Tuning one unit on this machine (docs/design.md §8, §9), as a pipeline of stages with one job
// each:
//   up to date?  -> space -> evaluator (the defaults: reference outputs and baseline)
//   -> resume (the trial log)  -> search loop (search_loop.hpp, with its circuit breaker)
//   -> verdict (verdict.hpp: re-timing against the defaults, re-verification)
//   -> record and annotation (record.hpp, annotate.hpp) -> the wisdom, written once.
// A new stage (an LLM expansion, a variant's verification) goes between two of them.

#include "analyzers/scan.hpp"
#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/sandbox.hpp"
#include "knowledge/store.hpp"
#include "tool/eval/evaluator.hpp"
#include "tool/executor/executor.hpp"
#include "tool/tune/annotate.hpp"
#include "tool/tune/progress.hpp"
#include "tool/tune/variants.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kevolve::tune {

struct TuneSettings {
  std::uint64_t budget = 100;  // evaluations, resumed ones included
  double time_limit_s = 0;     // 0: none
  std::uint64_t stall = 0;     // stop after this many evaluations without a new best; 0: never
  std::string strategy;        // empty: exhaustive when the space fits the budget, else bayes
  std::uint64_t seed = 1;
  unsigned jobs = 0;     // parallel builds; 0: one per hardware thread
  bool force = false;    // tune again even if the wisdom is up to date
  int top = 3;           // candidates re-timed against the defaults
  int rounds = 5;        // interleaved re-timing rounds
  bool profile = false;  // attach hardware counters (CPU: the harness; CUDA: Nsight Compute)
  double compile_timeout_s = 600;  // a compile or link that runs longer fails
  backends::SandboxMode sandbox = backends::SandboxMode::automatic;  // docs/sandbox.md
  eval::EvalOptions eval;
};

struct UnitOutcome {
  // review: tuned, but the winner waits for a person (review.hpp) and builds do not use it yet.
  enum class State { tuned, review, defaults_stand, up_to_date, skipped, failed, interrupted };
  std::string unit;
  State state = State::failed;
  std::string message;
  std::uint64_t evaluations = 0;
  std::uint64_t resumed = 0;
  double seconds = 0;         // the whole tuning of the unit
  double search_seconds = 0;  // building and evaluating candidates (the search loop)
  std::string strategy;
  std::optional<knowledge::SizeRecord> record;
  std::map<std::string, int> statuses;  // evaluations per status, this run and resumed
};

std::string_view describe(UnitOutcome::State state);

struct TuneContext {
  const knowledge::KnowledgeDir& knowledge;
  const backends::Device& device;
  const TuneSettings& settings;
  Progress& progress;
  std::optional<backends::Peaks> peaks;    // the device's measured ceilings, when known
  Profiler profiler;                       // empty: no profiler here
  std::string build_type;                  // CMake's build type of the build directory
  const VariantSetup* variants = nullptr;  // LLM variants (tool/tune/variants.hpp); none: off
  // Where candidates build and run (docs/cluster.md); none: this machine.
  executor::Executor* executor = nullptr;
};

UnitOutcome tune_unit(const TuneContext& ctx, const analyzers::Unit& unit,
                      const backends::CandidateRecipe& recipe);

// What tune_unit would do, with nothing built or run (`kevolve tune --dry-run`).
struct UnitPlan {
  bool up_to_date = false;   // nothing would be searched (--force would)
  std::string rebuilt;       // why wisdom that looks current is tuned again: the build changed
  std::string error;         // why the unit could not be tuned
  std::uint64_t points = 0;  // the space's valid points on this device
  std::uint64_t budget = 0;  // evaluations, at most the points
  std::string strategy;
};

UnitPlan plan_unit(const TuneContext& ctx, const analyzers::Unit& unit,
                   const backends::CandidateRecipe& recipe);

}  // namespace kevolve::tune
