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
// harness's flags; for the CPU, Google Benchmark and the thread library to link. GPU
// candidates are built for `device`'s architecture.
util::Expected<backends::CandidateRecipe> make_recipe(const analyzers::BuildInfo& build,
                                                      const analyzers::Target& target,
                                                      const analyzers::Unit& unit,
                                                      const backends::Device& device);

// What a GPU candidate is compiled for: the device's architecture, with the architecture-
// specific features where it has them (sm_90 -> sm_90a on Hopper and later).
std::string candidate_arch(const backends::Device& device);

}  // namespace kevolve::tune
