#pragma once

// The apply step's depfile: "<output>: <input> ...", read by the build to run apply again when
// an input changes (docs/cmake.md, "Paths").

#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

// Writes the depfile (unless it already holds the same text). Paths under `build_dir` are
// written relative to it, as the build files name them; an input whose path the build tools
// cannot read in a depfile is named through a symbolic link in `<depfile's directory>/inputs`.
util::Expected<void> write_depfile(const std::filesystem::path& depfile,
                                   const std::filesystem::path& build_dir,
                                   const std::filesystem::path& output,
                                   const std::vector<std::string>& inputs);

// How `path` is written in a depfile, or nothing when it cannot be (it needs a link).
std::optional<std::string> depfile_escape(const std::string& path);

}  // namespace kevolve::tune
