#pragma once

// Stage: the record. What a tune found, as the knowledge directory stores it: the winner (or
// the defaults, when they stand) with its re-timed speedup and the contenders, in a wisdom
// document for the unit and device (docs/knowledge-format.md).

#include "analyzers/scan.hpp"
#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "knowledge/wisdom.hpp"
#include "space/space.hpp"
#include "tool/tune/history.hpp"
#include "tool/tune/verdict.hpp"

#include <cstdint>
#include <string>

namespace kevolve::tune {

// The primary size's record; annotation comes after.
knowledge::SizeRecord size_record(const FinalChoice& choice, const analyzers::Unit& unit,
                                  const space::Space& space, const Problem& problem,
                                  std::uint64_t evaluations, const std::string& strategy);

// The wisdom document that holds `record`, for `unit` tuned on `device` with `recipe`.
knowledge::Wisdom wisdom_of(const analyzers::Unit& unit, const backends::Device& device,
                            const backends::CandidateRecipe& recipe, knowledge::SizeRecord record);

}  // namespace kevolve::tune
