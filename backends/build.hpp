#pragma once

// Building candidates with the target's own compiler and flags: executables for the CPU,
// shared libraries (and the runner that loads them) for CUDA through nvcc and HIP through hipcc.

#include "backends/candidate.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kevolve::backends {

// How a unit's candidates are built (docs/device-only.md): whole (every source, the harness and
// an entry point compiled and linked into a library per candidate), or device-only (per
// candidate only the cubins of the kernel sources; the host library is built once).
enum class BuildPath { whole, device_only };

// Device-only where the unit is CUDA and its sources launch through KEVOLVE_LAUNCH, unless
// KEVOLVE_DEVICE_ONLY=off (to compare); an error where it opts in wrongly: a source also
// launches with <<<>>>, or the kernel has no source apart from the harness.
util::Expected<BuildPath> build_path(const CandidateRecipe& recipe);

// Builds one candidate whose injected header is `header`, reusing cached objects and
// executables; a device-only candidate's artifact is its manifest (.kvc), which the runner loads.
// Thread-safe: candidates build in parallel. `tag` names its scratch files.
Build build_candidate(const CandidateRecipe& recipe, const std::string& header,
                      std::string_view tag);

// The runner of a GPU recipe (templates/runner_main.cpp), built once per compiler and flags.
util::Expected<std::filesystem::path> build_runner(const CandidateRecipe& recipe);

// A target's GPU flags without the architectures it names: candidates are built for the device
// they run on.
std::vector<std::string> without_gpu_architectures(const std::vector<std::string>& flags);

// The flags that select `arch` (sm_90a, gfx90a) for the compiler of `backend`.
std::vector<std::string> gpu_architecture_flags(Backend backend, const std::string& arch);

}  // namespace kevolve::backends
