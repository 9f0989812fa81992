#pragma once

// How a unit's candidates are built: which sources, with which of the target's flags.

#include "analyzers/file_api.hpp"
#include "analyzers/scan.hpp"
#include "backends/candidate.hpp"
#include "backends/device.hpp"
#include "util/expected.hpp"

namespace kevolve::tune {

// The sources of the target that mention the unit (its kernel, its KEVOLVE_PARAM uses) and its
// harness, each with the target's compiler and flags for it; the generated main with the
// harness's flags; the platform's libraries to link (for the CPU, Google Benchmark and the
// thread library). GPU candidates are built for `device`'s architecture
// (backends::Platform::candidate_arch).
util::Expected<backends::CandidateRecipe> make_recipe(const analyzers::BuildInfo& build,
                                                      const analyzers::Target& target,
                                                      const analyzers::Unit& unit,
                                                      const backends::Device& device);
// The same for no device in particular: GPU candidates get no architecture (enough to know how
// the unit is built, as `status` asks).
util::Expected<backends::CandidateRecipe> make_recipe(const analyzers::BuildInfo& build,
                                                      const analyzers::Target& target,
                                                      const analyzers::Unit& unit,
                                                      backends::Backend backend);

}  // namespace kevolve::tune
