#pragma once

// Stage: the record. What a tune found, as the knowledge directory stores it: the winner (or
// the defaults, when they stand) with its re-timed speedup and the contenders, in a wisdom
// document for the unit and device (docs/knowledge-format.md).

#include "analyzers/scan.hpp"
#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "tool/tune/breaker.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/verdict.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace kevolve::tune {

// The primary size's record; annotation comes after.
knowledge::SizeRecord size_record(const FinalChoice& choice, const analyzers::Unit& unit,
                                  const space::Space& space, const Problem& problem,
                                  std::uint64_t evaluations, const std::string& strategy);

// The trial the record's winner was measured in: the winner's search evaluation, or the
// defaults' when they stand; none when that line has no id (written by an older kevolve).
std::optional<knowledge::TrialRef> measured_trial(const FinalChoice& choice, const History& history,
                                                  const std::optional<space::Point>& defaults);

// The trial-log line of one evaluation of `key` (its outcome, and the rates it achieved).
knowledge::TrialRecord trial_line(const TrialKey& key, knowledge::ParamValues params,
                                  const std::string& strategy, const eval::Trial& trial,
                                  Blame blame, const backends::Description& described,
                                  const std::optional<backends::Peaks>& peaks);

// The wisdom document that holds `record`, for `unit` tuned on `device` with `recipe`, built in
// the configuration `build`.
knowledge::Wisdom wisdom_of(const analyzers::Unit& unit, const backends::Device& device,
                            const backends::CandidateRecipe& recipe, const BuildConfig& build,
                            knowledge::SizeRecord record);

}  // namespace kevolve::tune
