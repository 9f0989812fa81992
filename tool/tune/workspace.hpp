#pragma once

// What the tune, apply, status and show commands work on: a CMake build directory (through the
// File API), the targets that call kevolve_tune() in it, and their scans.

#include "analyzers/compile_args.hpp"
#include "analyzers/file_api.hpp"
#include "analyzers/scan.hpp"
#include "tool/tune/target_config.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

struct Workspace {
  analyzers::BuildInfo build;
  analyzers::ScanEnvironment env;
  std::vector<TargetConfig> configs;
};

// `may_configure`: run CMake when its File API has not answered kevolve yet. The build's own
// apply step may not (it runs inside the build): it reads compile_commands.json instead.
util::Expected<Workspace> open_workspace(const std::filesystem::path& build_dir,
                                         const std::string& configuration,
                                         bool may_configure = true);

struct TargetSelection {
  std::string target;                          // empty: every target that calls kevolve_tune()
  std::vector<std::filesystem::path> harness;  // added to the recorded ones
  std::optional<std::filesystem::path> knowledge_dir;
};

// The targets to work on with their settings: the recorded ones, or for a target that does not
// call kevolve_tune(), defaults (knowledge in <project>/.kevolve, the harness files given).
util::Expected<std::vector<TargetConfig>> select_targets(const Workspace& ws,
                                                         const TargetSelection& selection);

// Scans a target's sources and (unless `with_harness` is false: the build's apply step does
// not need them) its harness files.
analyzers::TargetScan scan(const Workspace& ws, const TargetConfig& config, unsigned jobs,
                           bool with_harness = true);

// A unit as this build's sources hold it now, with its target: for commands that name a unit
// (show, adopt). Scans the targets that call kevolve_tune() until one has it; an error names
// the targets scanned, or the problems of the target that has it.
struct FoundUnit {
  TargetConfig config;
  analyzers::Unit unit;
};
util::Expected<FoundUnit> find_unit(const Workspace& ws, std::string_view unit);

}  // namespace kevolve::tune
