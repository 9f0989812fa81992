#pragma once

// Tuning settings, each filled in one order (docs/cli.md, "Settings"): the command line, then
// the KEVOLVE_* environment, then what kevolve_tune() recorded for the target, then kevolve's
// default. A malformed environment value is an error that names the variable, never ignored.

#include "backends/sandbox.hpp"
#include "tool/tune/target_config.hpp"
#include "tool/tune/tuner.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kevolve::tune {

// What the command line gave; unset: not given.
struct TuneFlags {
  std::optional<std::uint64_t> budget;
  std::optional<double> time_s;
  std::optional<std::uint64_t> stall;
  std::optional<std::string> strategy;
  std::optional<std::uint64_t> seed;
  std::optional<unsigned> jobs;
  std::optional<double> timeout_s;
  std::optional<int> reps;
  std::optional<double> min_time;
  std::optional<int> rounds;
  std::optional<int> top;
  std::optional<double> compile_timeout_s;
  std::optional<backends::SandboxMode> sandbox;
  bool force = false;
  bool profile = false;
};

struct ResolvedSettings {
  TuneSettings settings;
  // Each setting's name and where its value came from: "--budget", "KEVOLVE_BUDGET",
  // "kevolve_tune", "default".
  std::vector<std::pair<std::string, std::string>> origins;
};

util::Expected<ResolvedSettings> resolve_settings(const TuneFlags& flags,
                                                  const TargetConfig& project);

}  // namespace kevolve::tune
