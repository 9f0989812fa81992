#pragma once

// A second way to learn a target's compile flags: compile_commands.json, which CMake writes at
// generation for targets with EXPORT_COMPILE_COMMANDS (kevolve_tune sets it). The build's apply
// step falls back to it when the File API has not answered yet (CMake before 3.27 answers
// kevolve's query only from the second configure), instead of configuring again mid-build.

#include "analyzers/file_api.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::analyzers {

struct TargetSources {
  std::string target;
  std::vector<std::filesystem::path> sources;  // absolute
};

// A BuildInfo with each target's sources (those compile_commands.json holds), one compile group
// per source, and the compilers the commands name.
util::Expected<BuildInfo> read_compile_commands(const std::filesystem::path& build_dir,
                                                const std::filesystem::path& source_dir,
                                                const std::vector<TargetSources>& targets);

// Whether the build directory holds a File API reply to kevolve's query.
bool has_file_api_reply(const std::filesystem::path& build_dir);

}  // namespace kevolve::analyzers
