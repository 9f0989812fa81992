#pragma once

// Stage: how the unit is built is part of what a tune measures. The wisdom records the build
// configuration (the compiler, the flags of the kernel's sources that change the generated code,
// CMake's build type, whether it is optimised), and a recorded winner is up to date only for
// the configuration it was measured in. A build whose kernel sources are not optimised (CMake's
// Debug, -O0, device debug code) is tuned with a warning, and never replaces a winner measured
// in an optimised build.

#include "analyzers/file_api.hpp"
#include "backends/candidate.hpp"
#include "knowledge/wisdom.hpp"
#include "util/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

struct BuildConfig {
  std::string compiler;            // id and version, "GNU 12.2.0": the wisdom's device.compiler
  std::string build_type;          // CMake's build type (or configuration); "" for none
  std::vector<std::string> flags;  // the kernel's code-generation flags, in command-line order
  bool optimised = true;
  std::string optimisation;  // the last -O flag, "none" without one

  // A short key of compiler, build type and flags (trial-log lines carry it).
  std::string key() const;
};

// The flags among `flags` that change the code generated (the table in build_check.cpp,
// documented in docs/knowledge-format.md): optimisation, target machine, floating-point model,
// vectorisation and unrolling, OpenMP, LTO and profiles, assertions (-DNDEBUG), and for
// nvcc/hipcc the GPU architecture, fast math, register limits and device debug code.
std::vector<std::string> code_generation_flags(const std::vector<std::string>& flags);

// CMake's build type of a build directory: its configuration, else CMAKE_BUILD_TYPE.
std::string build_type_of(const analyzers::BuildInfo& build);

// The configuration the recipe's kernel sources (the harness aside) are built with.
BuildConfig build_config(const backends::CandidateRecipe& recipe, std::string build_type);

// What the wisdom keeps in device.build: {"optimised", "optimisation", "build_type", "flags"}.
util::Json build_json(const BuildConfig& config);

// What changed between the build the wisdom was measured in and `now`, one phrase each
// ("build type Release -> Debug"); empty when the wisdom was measured in this configuration.
// Fields an older wisdom file lacks are not compared.
std::vector<std::string> build_changes(const knowledge::Wisdom& wisdom, const BuildConfig& now);

struct BuildCheck {
  std::string refusal;  // not empty: do not tune this build here
  std::string warning;  // not empty: tune, but say this
};

// `existing`: this device's wisdom, if any. Wisdom that does not say how it was built counts
// as optimised (every winner kevolve recorded before it said so came from such builds).
BuildCheck check_build(const BuildConfig& config, const std::optional<knowledge::Wisdom>& existing);

}  // namespace kevolve::tune
