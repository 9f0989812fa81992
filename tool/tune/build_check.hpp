#pragma once

// Stage: how the unit is built is part of what a tune measures. A build whose kernel sources
// are not optimised (CMake's Debug, -O0, device debug code) is tuned with a warning, and never
// replaces a winner measured in an optimised build; the wisdom records which it was.

#include "backends/candidate.hpp"
#include "knowledge/wisdom.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>

namespace kevolve::tune {

// Whether the sources that hold the kernel (the recipe's, the harness aside) are optimised.
bool kernel_optimised(const backends::CandidateRecipe& recipe);

// What the wisdom keeps of the build: {"optimised": true, "optimisation": "-O3"}.
util::Json build_json(const backends::CandidateRecipe& recipe);

struct BuildCheck {
  std::string refusal;  // not empty: do not tune this build here
  std::string warning;  // not empty: tune, but say this
};

// `existing`: this device's wisdom, if any. Wisdom that does not say how it was built counts
// as optimised (every winner kevolve recorded before it said so came from such builds).
BuildCheck check_build(const backends::CandidateRecipe& recipe,
                       const std::optional<knowledge::Wisdom>& existing);

}  // namespace kevolve::tune
