#pragma once

// Building CPU candidates with the target's own compiler and flags.

#include "backends/candidate.hpp"

#include <string>
#include <string_view>

namespace kevolve::backends::cpu {

// Compiles and links one candidate whose injected header is `header`, reusing cached objects
// and executables. Thread-safe: candidates build in parallel. `tag` names its scratch files.
Build build_candidate(const CandidateRecipe& recipe, const std::string& header,
                      std::string_view tag);

}  // namespace kevolve::backends::cpu
