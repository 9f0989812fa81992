#pragma once

// What kevolve_tune() recorded about a target at configure time
// (<build>/kevolve/targets/<target>.json): its knowledge directory, harness files, units,
// device and search settings, and where the injected header goes.

#include "analyzers/file_api.hpp"
#include "util/expected.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::tune {

// A source compiled through a wrapper the apply step writes (docs/cmake.md, "Code variants").
struct WrappedSource {
  std::filesystem::path source;   // the original, as the project names it (absolute)
  std::filesystem::path wrapper;  // what the target compiles in its place
};

// A compiled source of the target and the header forced into its compile alone: the winners of
// the units it reaches (docs/cmake.md, "What is injected where").
struct InjectedSource {
  std::filesystem::path source;  // as the target compiles it (a wrapper where there is one)
  std::filesystem::path header;
};

struct TargetConfig {
  std::string target;
  std::filesystem::path source_dir;  // the project's (PROJECT_SOURCE_DIR)
  std::filesystem::path knowledge_dir;
  std::vector<std::filesystem::path> harness;
  std::vector<std::string> units;  // empty: every unit of the target
  std::string device = "auto";
  std::uint64_t budget = 0;                    // 0: kevolve's default
  double time_s = 0;                           // 0: no limit
  std::string strategy;                        // empty: kevolve's default
  std::filesystem::path header;                // the generated kevolve_tuned.h
  std::vector<std::filesystem::path> sources;  // the target's sources, as kevolve_tune listed them
  std::string llm;                       // kevolve_tune's LLM: openai, anthropic, command or empty
  std::vector<WrappedSource> wrapped;    // empty: the target compiles its sources as they are
  std::vector<InjectedSource> injected;  // empty: every source sees every unit's winner

  // The original a wrapper stands for, or `path` itself.
  const std::filesystem::path& original_of(const std::filesystem::path& path) const;
};

std::filesystem::path config_dir(const std::filesystem::path& build_dir);

// The targets that call kevolve_tune() in this build, by name.
util::Expected<std::vector<TargetConfig>> read_configs(const std::filesystem::path& build_dir);

// The knowledge directory of a command that reads no sources (show, accept): `named`
// (--knowledge), else that of the first target of `build_dir` (-B) that calls kevolve_tune(),
// else .kevolve.
util::Expected<std::filesystem::path> knowledge_dir_for(const std::string& build_dir,
                                                        const std::string& named);

// Why `target` has nothing to tune: it marks no unit, and where the libraries of this build
// it links (directly or not) mark some, that kevolve_tune() belongs on them (docs/cmake.md,
// "Kernels in a library").
std::string no_unit_error(const analyzers::BuildInfo& build, const std::string& target);

}  // namespace kevolve::tune
