#pragma once

// The numbers the report draws, from a unit's trial log: the search's convergence, the runs
// (tunes) the log holds, and the time spent per stage.
//
// A run is the lines one tune process wrote: a trial id is "<time>-<pid>-<counter>", so lines
// of one day and one process are one run (lines without an id, from older versions, are grouped
// by day).

#include "knowledge/trials.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::report {

struct Evaluation {
  std::size_t index = 0;         // 1-based, in log order within its run
  std::optional<double> time_s;  // when ok
  std::string status;
  double best_s = 0;  // the best ok time so far; 0 while none
};

struct Run {
  std::string key;         // "2026-11-21 pid 4242"
  std::string first_date;  // of its first line
  std::vector<Evaluation> evaluations;
  std::optional<double> best_s;  // its tuned time: the fastest ok evaluation
};

// The runs of `trials`, oldest first.
std::vector<Run> runs_of(const std::vector<knowledge::TrialRecord>& trials);

struct StageTimes {
  double build_s = 0;  // sum over the lines that record it
  double run_s = 0;
  std::size_t timed_lines = 0;  // lines with build_s or run_s
  // Evaluations that ended at each stage: "build" (compile_error), "verification"
  // (wrong_result), "run" (runtime_error, crashed, timeout), "timed" (ok), "environment".
  std::map<std::string, std::size_t> ended;
};

StageTimes stage_times(const std::vector<knowledge::TrialRecord>& trials);

// The stage an evaluation of `status` ended at (see StageTimes::ended).
std::string stage_of(const std::string& status);

}  // namespace kevolve::report
