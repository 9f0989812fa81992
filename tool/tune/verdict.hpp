#pragma once

// Stage: the verdict. The best few candidates of the search are re-timed against the defaults
// in interleaved rounds (fresh processes, an order shuffled per round); a candidate wins only
// if it beats the defaults in every round, i.e. its worst ratio to the defaults is above 1,
// and only if it passes re-verification on a seed the search never used. The fastest such
// candidate is the winner; otherwise the defaults stand. A contender that fails
// re-verification is out of the record altogether. A contender that built during the search and
// now fails to build for the environment's reason (tool/tune/environment.hpp) stops the verdict:
// without it the defaults would stand for no reason of theirs.

#include "analyzers/scan.hpp"
#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "tool/tune/candidates.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/progress.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

// One contender's re-timing against the defaults.
struct Verdict {
  std::size_t contender = 0;  // its index among the re-timed executables, defaults excluded
  double time_s = 0;          // median over the rounds
  double speedup = 1;         // the defaults' median over its median
  double low = 1, high = 1;   // its worst and best round

  bool beats_defaults() const { return low > 1.0; }
};

// Pure: `medians[0]` are the defaults' per-round times, `medians[k + 1]` contender k's. A
// contender with a failed round (NaN) gets no verdict. The verdicts come fastest first.
std::vector<Verdict> judge_rounds(const std::vector<std::vector<double>>& medians, int rounds);

// A contender of the verdict: a point of the unit's space, or of a code variant's
// (tool/tune/variants.hpp), which its own CandidateEvaluator builds.
struct Contender {
  Evaluated evaluated;  // its search evaluation (a point of its own space)
  knowledge::ParamValues params;
  std::string header;                            // its injected header
  std::string label;                             // in messages: "X=4", "variant 1a2b3c4d X=4"
  std::optional<knowledge::VariantRef> variant;  // none: the unit's own code
  CandidateEvaluator* builder = nullptr;         // none: the unit's
};

// A variant's contender that failed re-verification: its trial-log line.
struct VariantFailure {
  std::string variant;
  knowledge::ParamValues params;
  eval::Trial trial;
};

struct FinalChoice {
  double baseline_s = 0;                                // the defaults' median in the re-timing
  std::optional<Evaluated> winner;                      // none: the defaults stand
  std::optional<Verdict> winning;                       // the winner's verdict
  knowledge::ParamValues winner_params;                 // of its own space
  std::optional<knowledge::VariantRef> winner_variant;  // the winner is this code variant
  // When a variant wins: the unit's own best point that beat the defaults and re-verified
  // (what builds use once the variant is stale); empty: the defaults.
  knowledge::ParamValues original_best;
  std::vector<knowledge::Ranked> top;  // the judged contenders, fastest first
  std::vector<std::string> notes;      // contenders dropped, and why
  // Contenders that failed re-verification, with that run: they go to the trial log, never
  // into `top`.
  std::vector<std::pair<Evaluated, eval::Trial>> failed_reverification;
  std::vector<VariantFailure> failed_variants;  // likewise, of code variants
  bool interrupted = false;
  std::string environment;  // not empty: the environment fails (what, and a build's log)
};

// The trial-log lines the verdict adds: each contender that failed re-verification, with that
// run's status and a message that says so (resume then counts its point as failed).
std::vector<std::pair<space::Point, eval::Trial>> verdict_trials(const FinalChoice& choice);

struct RetimeSettings {
  int top = 3;     // contenders re-timed
  int rounds = 5;  // interleaved rounds
  std::uint64_t seed = 1;
};

// Re-times the `settings.top` fastest correct evaluations of `history` (the defaults' point
// excluded) against the defaults and chooses the winner. `baseline_s` is the defaults' time
// from the search, kept when nothing is re-timed.
FinalChoice choose_winner(CandidateEvaluator& candidates, const analyzers::Unit& unit,
                          const space::Space& space, const History& history,
                          const RetimeSettings& settings, double baseline_s, Progress& progress,
                          std::vector<Contender> variants = {});

// The `settings.top` fastest correct evaluations of `history` as contenders.
std::vector<Contender> contenders_of(const analyzers::Unit& unit, const space::Space& space,
                                     const History& history, std::size_t top);

}  // namespace kevolve::tune
