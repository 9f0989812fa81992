#pragma once

// Building candidates with the target's own compiler and flags: executables for the CPU,
// shared libraries (and the runner that loads them) for CUDA through nvcc and HIP through hipcc.

#include "backends/candidate.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kevolve::backends {

// Compiles and links one candidate whose injected header is `header`, reusing cached objects
// and executables. Thread-safe: candidates build in parallel. `tag` names its scratch files.
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
