#pragma once

// The summary of a tune run, one row per unit: the table `kevolve tune` prints, and the same rows
// as JSON with `--json` (docs/cli.md, "kevolve tune").

#include "tool/tune/tuner.hpp"
#include "util/json.hpp"

#include <string>
#include <vector>

namespace kevolve::tune {

// Version history of the JSON: 1, the first.
constexpr int k_summary_schema = 1;

struct SummaryRow {
  std::string target;
  std::string device;
  UnitOutcome outcome;
};

// The state as JSON spells it: "tuned", "review", "defaults_stand", "up_to_date", ...
std::string state_name(UnitOutcome::State state);

util::Json summary_json(const std::vector<SummaryRow>& rows);

}  // namespace kevolve::tune
