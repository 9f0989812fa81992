#pragma once

// Stage: the search loop. The strategy proposes points, a pool builds them in parallel, the
// one runner evaluates each as it is handed over, and every result goes to the trial log and
// back to the strategy. It stops at the budget, after `stall` evaluations without a better
// time, at the time limit, or on an interrupt (a run killed by the interrupt is not a result).
// A GPU evaluates each candidate as soon as it is built while the next ones compile (the
// strategy then proposes with results still pending); the CPU alternates between building a
// batch and running it, so that compiling does not disturb the timings. Every result passes
// through the circuit breaker (breaker.hpp), which stops the search when the environment, not
// the candidates, makes builds fail.

#include "tool/eval/evaluator.hpp"
#include "tool/search/strategy.hpp"
#include "tool/tune/breaker.hpp"
#include "tool/tune/candidates.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/progress.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace kevolve::tune {

struct SearchLimits {
  std::uint64_t budget = 100;  // evaluations in all, resumed ones included
  double time_limit_s = 0;     // since the unit's tune started; 0: none
  std::uint64_t stall = 0;     // evaluations without a better time; 0: never stop for it
  unsigned jobs = 1;           // parallel builds
  bool evaluate_while_building = false;
};

enum class SearchStop { budget, stall, time_limit, interrupted, environment };

struct SearchReport {
  SearchStop stop = SearchStop::budget;
  double seconds = 0;       // the whole loop
  double waiting_s = 0;     // for builds
  double evaluating_s = 0;  // running candidates
  std::string environment;  // SearchStop::environment: what fails, and what to do
};

class SearchLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // The header that injects a point.
  using HeaderFn = std::function<std::string(const space::Point&)>;
  // Records one evaluation (the trial log) and returns its trial's id; an error ends the
  // search with it. `Blame::environment`: a failure that was the environment's, which a later
  // tune evaluates again.
  using Recorder =
      std::function<util::Expected<std::string>(const space::Point&, const eval::Trial&, Blame)>;

  SearchLoop(search::Strategy& strategy, CandidateEvaluator& candidates, HeaderFn header,
             SearchLimits limits);

  // Evaluates until a limit; `history` holds what was evaluated before and gains the new ones.
  util::Expected<SearchReport> run(History& history, const Recorder& record, Progress& progress,
                                   Clock::time_point started);

  std::function<bool()> interrupted;  // util::interrupted unless a test replaces it

 private:
  struct Run;
  void refill(Run& run) const;
  std::optional<SearchStop> limit_reached(const Run& run, Progress& progress) const;

  search::Strategy& m_strategy;
  CandidateEvaluator& m_candidates;
  HeaderFn m_header;
  SearchLimits m_limits;
};

}  // namespace kevolve::tune
