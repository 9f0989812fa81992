#pragma once

// What `kevolve report` shows, read from a knowledge directory: per unit and device, the wisdom
// (if any) and the trial log (if any). A unit with only a trial log (a tune that found nothing
// yet, or one whose winners were not committed) is shown too.

#include "knowledge/store.hpp"
#include "knowledge/trials.hpp"
#include "knowledge/wisdom.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kevolve::report {

struct UnitDevice {
  std::string unit;
  std::string device_id;
  std::optional<knowledge::Wisdom> wisdom;
  std::vector<knowledge::TrialRecord> trials;  // in log order
  // What could not be read (a wisdom file refused, trial-log lines skipped): shown, not fatal.
  std::vector<std::string> problems;
};

// Every unit and device of `dir` with wisdom or a trial log, sorted; only `unit` when it is not
// empty (an error when it has neither).
util::Expected<std::vector<UnitDevice>> collect(const knowledge::KnowledgeDir& dir,
                                                const std::string& unit);

}  // namespace kevolve::report
